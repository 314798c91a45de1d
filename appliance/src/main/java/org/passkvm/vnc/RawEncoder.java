package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;

/** Raw (0): every pixel as it is; what every client understands. */
final class RawEncoder implements RectEncoder {

    @Override
    public int encoding() {
        return ServerMessages.RAW;
    }

    @Override
    public void encode(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf out) {
        ServerMessages.rectHeader(out, x, y, width, height, ServerMessages.RAW);
        writePixels(screen, x, y, width, height, format, out);
    }

    static void writePixels(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf out) {
        out.ensureWritable(width * height * format.bytesPerPixel());
        int[] rgb = screen.rgb();
        for (int row = y; row < y + height; row++) {
            int at = row * screen.width() + x;
            for (int col = 0; col < width; col++) {
                format.writePixel(out, rgb[at + col]);
            }
        }
    }
}
