package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The encodings that send a rectangle as one zlib-compressed block (Zlib, ZRLE): the plain bytes are built in a
 * scratch buffer, then compressed through the stream this connection keeps for that encoding.
 */
abstract class ZlibRects implements RectEncoder {

    private final ZlibStream zlib = new ZlibStream(1);
    private final ByteBufAllocator alloc;

    ZlibRects(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Writes the rectangle's uncompressed form. */
    abstract void writePlain(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf plain);

    @Override
    public final void encode(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf out) {
        ServerMessages.rectHeader(out, x, y, width, height, encoding());
        ByteBuf plain = alloc.heapBuffer(width * height * format.bytesPerPixel() + 64);
        try {
            writePlain(screen, x, y, width, height, format, plain);
            zlib.writeCompressed(plain, out);
        } finally {
            plain.release();
        }
    }

    @Override
    public final void close() {
        zlib.close();
    }
}
