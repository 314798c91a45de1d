package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Zlib (6): raw pixels through the connection's zlib stream. */
final class ZlibEncoder implements RectEncoder {

    private final ZlibStream zlib = new ZlibStream(1);
    private final ByteBufAllocator alloc;

    ZlibEncoder(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    @Override
    public int encoding() {
        return ServerMessages.ZLIB;
    }

    @Override
    public void encode(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf out) {
        ServerMessages.rectHeader(out, x, y, width, height, ServerMessages.ZLIB);
        ByteBuf plain = alloc.heapBuffer(width * height * format.bytesPerPixel());
        try {
            RawEncoder.writePixels(screen, x, y, width, height, format, plain);
            zlib.writeCompressed(plain, out);
        } finally {
            plain.release();
        }
    }

    @Override
    public void close() {
        zlib.close();
    }
}
