/** Turning raw frames into JPEG and H.264 with FFmpeg, in the capture's own pixel format (never through RGB). */
package org.passkvm.video.encode;
