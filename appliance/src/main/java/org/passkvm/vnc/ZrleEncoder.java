package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * ZRLE (16), what Apache Guacamole's libvncclient asks for first: 64×64 tiles of compact pixels, each one colour
 * (solid) or raw, through the connection's zlib stream. Solid tiles cover the flat areas of a desktop; zlib does the
 * rest of the work on the raw ones.
 */
final class ZrleEncoder extends ZlibRects {

    static final int TILE = 64;
    private static final int RAW = 0;
    private static final int SOLID = 1;

    ZrleEncoder(ByteBufAllocator alloc) {
        super(alloc);
    }

    @Override
    public int encoding() {
        return ServerMessages.ZRLE;
    }

    @Override
    void writePlain(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf plain) {
        int[] rgb = screen.rgb();
        for (int ty = y; ty < y + height; ty += TILE) {
            int th = Math.min(TILE, y + height - ty);
            for (int tx = x; tx < x + width; tx += TILE) {
                int tw = Math.min(TILE, x + width - tx);
                int solid = Tiles.solidColour(screen, tx, ty, tw, th);
                if (solid >= 0) {
                    plain.writeByte(SOLID);
                    format.writeCompactPixel(plain, solid);
                    continue;
                }
                plain.writeByte(RAW);
                plain.ensureWritable(tw * th * format.compactBytes());
                for (int row = ty; row < ty + th; row++) {
                    int at = row * screen.width() + tx;
                    for (int col = 0; col < tw; col++) {
                        format.writeCompactPixel(plain, rgb[at + col]);
                    }
                }
            }
        }
    }
}
