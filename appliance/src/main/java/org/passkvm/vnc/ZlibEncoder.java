package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Zlib (6): raw pixels through the connection's zlib stream. */
final class ZlibEncoder extends ZlibRects {

    ZlibEncoder(ByteBufAllocator alloc) {
        super(alloc);
    }

    @Override
    public int encoding() {
        return ServerMessages.ZLIB;
    }

    @Override
    void writePlain(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf plain) {
        RawEncoder.writePixels(screen, x, y, width, height, format, plain);
    }
}
