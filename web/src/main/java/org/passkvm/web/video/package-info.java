/** The video API: MJPEG stream, snapshot, stream status, and the H.264 WebSocket the console decodes. */
package org.passkvm.web.video;
