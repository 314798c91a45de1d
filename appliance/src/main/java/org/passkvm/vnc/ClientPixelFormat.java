package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;

/**
 * A client's pixel format (RFC 6143 7.4): how one pixel is laid out in the bytes sent to it. Only true-colour formats
 * are served; a client asking for a colour map is refused by the decoder.
 */
record ClientPixelFormat(int bitsPerPixel, int depth, boolean bigEndian, int redMax, int greenMax, int blueMax,
        int redShift, int greenShift, int blueShift) {

    /** What the server announces: 32-bit little-endian xRGB, what every viewer takes without conversion. */
    static final ClientPixelFormat DEFAULT = new ClientPixelFormat(32, 24, false, 255, 255, 255, 16, 8, 0);

    ClientPixelFormat {
        if (bitsPerPixel != 8 && bitsPerPixel != 16 && bitsPerPixel != 32) {
            throw new IllegalArgumentException("bits per pixel must be 8, 16 or 32, got " + bitsPerPixel);
        }
        if (redMax < 1 || greenMax < 1 || blueMax < 1) {
            throw new IllegalArgumentException("colour maxima must be positive");
        }
    }

    static ClientPixelFormat read(ByteBuf in) {
        int bpp = in.readUnsignedByte();
        int depth = in.readUnsignedByte();
        boolean bigEndian = in.readUnsignedByte() != 0;
        boolean trueColour = in.readUnsignedByte() != 0;
        int redMax = in.readUnsignedShort();
        int greenMax = in.readUnsignedShort();
        int blueMax = in.readUnsignedShort();
        int redShift = in.readUnsignedByte();
        int greenShift = in.readUnsignedByte();
        int blueShift = in.readUnsignedByte();
        in.skipBytes(3);
        if (!trueColour) {
            throw new IllegalArgumentException("colour-map pixel formats are not served; ask for true colour");
        }
        return new ClientPixelFormat(bpp, depth, bigEndian, redMax, greenMax, blueMax, redShift, greenShift, blueShift);
    }

    void write(ByteBuf out) {
        out.writeByte(bitsPerPixel).writeByte(depth).writeByte(bigEndian ? 1 : 0).writeByte(1)
                .writeShort(redMax).writeShort(greenMax).writeShort(blueMax)
                .writeByte(redShift).writeByte(greenShift).writeByte(blueShift).writeZero(3);
    }

    int bytesPerPixel() {
        return bitsPerPixel / 8;
    }

    /** The client's pixel value for an 0xRRGGBB colour. */
    int convert(int rgb) {
        int r = (rgb >>> 16) & 0xFF;
        int g = (rgb >>> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (redMax == 255 && greenMax == 255 && blueMax == 255) {
            return r << redShift | g << greenShift | b << blueShift;
        }
        return (r * redMax + 127) / 255 << redShift | (g * greenMax + 127) / 255 << greenShift
                | (b * blueMax + 127) / 255 << blueShift;
    }

    /** Writes one pixel in this format. */
    void writePixel(ByteBuf out, int rgb) {
        writeValue(out, convert(rgb), bytesPerPixel());
    }

    private void writeValue(ByteBuf out, int v, int bytes) {
        switch (bytes) {
            case 1 -> out.writeByte(v);
            case 2 -> {
                if (bigEndian) {
                    out.writeShort(v);
                } else {
                    out.writeShortLE(v);
                }
            }
            default -> {
                if (bigEndian) {
                    out.writeInt(v);
                } else {
                    out.writeIntLE(v);
                }
            }
        }
    }

    /**
     * ZRLE's and Tight's compressed pixel (CPIXEL): 3 bytes when a 32-bit true-colour pixel's colours all sit in
     * its three low or three high bytes, else the whole pixel.
     */
    int compactBytes() {
        return bitsPerPixel == 32 && depth <= 24 && (fitsLow() || fitsHigh()) ? 3 : bytesPerPixel();
    }

    /** Writes a CPIXEL (see {@link #compactBytes}). */
    void writeCompactPixel(ByteBuf out, int rgb) {
        int v = convert(rgb);
        if (compactBytes() != 3) {
            writeValue(out, v, bytesPerPixel());
            return;
        }
        // The three bytes that carry colour, in the client's byte order.
        int three = fitsLow() ? v & 0xFFFFFF : v >>> 8;
        if (bigEndian) {
            out.writeMedium(three);
        } else {
            out.writeMediumLE(three);
        }
    }

    private boolean fitsLow() {
        return top(redMax, redShift) <= 24 && top(greenMax, greenShift) <= 24 && top(blueMax, blueShift) <= 24;
    }

    private boolean fitsHigh() {
        return redShift >= 8 && greenShift >= 8 && blueShift >= 8;
    }

    private static int top(int max, int shift) {
        return shift + (32 - Integer.numberOfLeadingZeros(max));
    }
}
