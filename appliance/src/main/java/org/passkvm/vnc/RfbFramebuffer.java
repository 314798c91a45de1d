package org.passkvm.vnc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A VNC desktop as {@link RfbClient} draws it: 32-bit pixels in memory order B, G, R, x, rows packed ({@code bgr0}).
 * Drawn by the client's reading thread; {@link #copyTo} takes a consistent-enough copy for an encoder (a copy taken
 * while an update is half drawn shows part of it, and the next copy the rest).
 */
public final class RfbFramebuffer {

    private ByteBuffer pixels;
    private int width;
    private int height;
    private long resizes;
    private byte[] scratch = new byte[0];

    public RfbFramebuffer(int width, int height) {
        resize(width, height);
    }

    public synchronized void resize(int w, int h) {
        if (pixels == null || pixels.capacity() < w * h * 4) {
            pixels = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.LITTLE_ENDIAN);
        }
        width = w;
        height = h;
        resizes++;
        for (int i = 0; i < w * h; i++) {
            pixels.putInt(i * 4, 0);
        }
    }

    public synchronized int width() {
        return width;
    }

    public synchronized int height() {
        return height;
    }

    /** How often the desktop changed size: a reader that sees a new count knows its copy is stale. */
    public synchronized long resizes() {
        return resizes;
    }

    synchronized void putRow(int x, int y, byte[] row, int bytes) {
        pixels.put((y * width + x) * 4, row, 0, bytes);
    }

    /** CopyRect: a w×h block from (sx, sy) to (dx, dy), overlapping or not. */
    synchronized void copy(int sx, int sy, int dx, int dy, int w, int h) {
        if (sx + w > width || sy + h > height) {
            return;
        }
        if (scratch.length < w * 4) {
            scratch = new byte[w * 4];
        }
        byte[] line = scratch;
        boolean down = dy > sy;
        for (int i = 0; i < h; i++) {
            int r = down ? h - 1 - i : i;
            pixels.get(((sy + r) * width + sx) * 4, line, 0, w * 4);
            pixels.put(((dy + r) * width + dx) * 4, line, 0, w * 4);
        }
    }

    /**
     * Copies the picture into {@code into} (from position 0, rows packed), growing it when too small; returns the
     * buffer used, positioned at 0 with the picture's length as limit.
     */
    public synchronized ByteBuffer copyTo(ByteBuffer into) {
        int length = width * height * 4;
        ByteBuffer out = into == null || into.capacity() < length
                ? ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN) : into;
        out.clear();
        out.put(0, pixels, 0, length);
        out.limit(length);
        return out;
    }

    /** The pixel at (x, y) as 0xRRGGBB. */
    public synchronized int rgb(int x, int y) {
        return pixels.getInt((y * width + x) * 4) & 0xFFFFFF;
    }
}
