package org.passkvm.video;

import java.nio.ByteBuffer;

/**
 * One frame as the source delivered it: already JPEG (a USB HDMI dongle), or raw pixels in the
 * device's own format, which encoders take without converting through RGB.
 *
 * @param captureNanos {@link System#nanoTime()} when the frame left the device, for latency figures
 */
public record RawFrame(PixelFormat format, int width, int height, int stride, ByteBuffer data, long captureNanos) {}
