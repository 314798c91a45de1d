/**
 * One capture, many viewers: the pipeline that runs the source only while somebody watches, and the
 * hub that hands every viewer the newest frame (slow viewers skip frames; nothing queues).
 */
package org.passkvm.video.stream;
