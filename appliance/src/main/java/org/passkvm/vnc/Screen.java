package org.passkvm.vnc;

/**
 * One picture of the target as every VNC client sees it: 0xRRGGBB pixels, and the JPEG they came from (which Tight
 * clients get as it is). Immutable once published, so sessions compare against the one they sent last without copies.
 */
record Screen(int width, int height, int[] rgb, byte[] jpeg, long sequence) {

    /** True when the 64x64-aligned tile at (x, y) of size w×h differs between the two screens. */
    boolean differs(Screen other, int x, int y, int w, int h) {
        if (other == null || other.width != width || other.height != height) {
            return true;
        }
        for (int row = y; row < y + h; row++) {
            int from = row * width + x;
            if (!java.util.Arrays.equals(rgb, from, from + w, other.rgb, from, from + w)) {
                return true;
            }
        }
        return false;
    }
}
