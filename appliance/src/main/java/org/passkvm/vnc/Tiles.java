package org.passkvm.vnc;

/** Pixel questions the tile encodings share. */
final class Tiles {

    private Tiles() {}

    /** The tile's one colour (0xRRGGBB), or -1 when it has more than one. */
    static int solidColour(Screen screen, int x, int y, int width, int height) {
        int[] rgb = screen.rgb();
        int first = rgb[y * screen.width() + x];
        for (int row = y; row < y + height; row++) {
            int at = row * screen.width() + x;
            for (int col = 0; col < width; col++) {
                if (rgb[at + col] != first) {
                    return -1;
                }
            }
        }
        return first & 0xFFFFFF;
    }
}
