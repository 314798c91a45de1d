/** Capture from a Video4Linux2 device: HDMI-to-USB dongles (MJPEG), CSI bridges and vivid (raw YUV). */
package org.passkvm.video.v4l2;
