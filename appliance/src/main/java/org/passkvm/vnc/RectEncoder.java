package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;

/** One RFB encoding: writes a rectangle of the screen (header included) in the client's pixel format. */
interface RectEncoder {

    int encoding();

    void encode(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf out);

    /** Releases what the encoder holds across rectangles (zlib streams). */
    default void close() {}
}
