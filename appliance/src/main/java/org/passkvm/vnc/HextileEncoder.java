package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;

/**
 * Hextile (5): 16×16 tiles, each either one colour (background only) or raw. The subrectangle forms save bytes on
 * drawings, but a captured picture rarely has them, and clients that can use ZRLE or Tight ask for those first.
 */
final class HextileEncoder implements RectEncoder {

    private static final int RAW = 1;
    private static final int BACKGROUND = 2;

    @Override
    public int encoding() {
        return ServerMessages.HEXTILE;
    }

    @Override
    public void encode(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf out) {
        ServerMessages.rectHeader(out, x, y, width, height, ServerMessages.HEXTILE);
        for (int ty = y; ty < y + height; ty += 16) {
            int th = Math.min(16, y + height - ty);
            for (int tx = x; tx < x + width; tx += 16) {
                int tw = Math.min(16, x + width - tx);
                int solid = Tiles.solidColour(screen, tx, ty, tw, th);
                if (solid >= 0) {
                    out.writeByte(BACKGROUND);
                    format.writePixel(out, solid);
                } else {
                    out.writeByte(RAW);
                    RawEncoder.writePixels(screen, tx, ty, tw, th, format, out);
                }
            }
        }
    }
}
