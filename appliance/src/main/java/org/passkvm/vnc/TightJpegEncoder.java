package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;

/**
 * Tight (7) with JPEG compression: the JPEG PassKVM already made for the web console, sent as it is, so a Tight
 * client costs no encoding at all. Only whole screens: a JPEG cannot be cut into rectangles without re-encoding.
 */
final class TightJpegEncoder implements RectEncoder {

    private static final int JPEG = 0x90;

    @Override
    public int encoding() {
        return ServerMessages.TIGHT;
    }

    @Override
    public void encode(Screen screen, int x, int y, int width, int height, ClientPixelFormat format, ByteBuf out) {
        byte[] jpeg = screen.jpeg();
        ServerMessages.rectHeader(out, 0, 0, screen.width(), screen.height(), ServerMessages.TIGHT);
        out.writeByte(JPEG);
        writeCompactLength(out, jpeg.length);
        out.writeBytes(jpeg);
    }

    /** Tight's length: 7 bits a byte, low first, up to three bytes (22 bits). */
    static void writeCompactLength(ByteBuf out, int length) {
        if (length >= 1 << 22) {
            throw new IllegalArgumentException("a Tight rectangle holds at most 4 MiB, got " + length + " bytes");
        }
        if (length < 0x80) {
            out.writeByte(length);
        } else if (length < 0x4000) {
            out.writeByte(length & 0x7F | 0x80).writeByte(length >> 7);
        } else {
            out.writeByte(length & 0x7F | 0x80).writeByte(length >> 7 & 0x7F | 0x80).writeByte(length >> 14);
        }
    }

    /** Whether this client may get JPEG: it sent a quality level and takes 24-bit colour. */
    static boolean allowed(int[] encodings, ClientPixelFormat format) {
        if (format.bitsPerPixel() != 32) {
            return false;
        }
        for (int e : encodings) {
            if (e >= ServerMessages.JPEG_QUALITY_0 && e <= ServerMessages.JPEG_QUALITY_9) {
                return true;
            }
        }
        return false;
    }
}
