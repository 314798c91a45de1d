package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;

/**
 * Pseudo-encoding rectangles the session sends beside the picture: the pointer's shape (Cursor), and the desktop's
 * size as one screen (ExtendedDesktopSize), the keyboard's LEDs (QEMU LED state).
 */
final class PseudoRects {

    static final int CURSOR = -239;
    static final int EXTENDED_DESKTOP_SIZE = -308;
    static final int QEMU_LED_STATE = -261;

    /** ExtendedDesktopSize's reasons and statuses (the rectangle's x and y). */
    static final int REASON_SERVER = 0;
    static final int REASON_CLIENT = 1;
    static final int STATUS_OK = 0;
    static final int STATUS_PROHIBITED = 1;

    /**
     * A plain arrow, hot spot at its tip: 'X' black, '.' white, ' ' transparent. The target's own pointer is in the
     * picture too; this one moves at once with the viewer's mouse, before the picture catches up.
     */
    private static final String[] ARROW = {
        "X          ",
        "XX         ",
        "X.X        ",
        "X..X       ",
        "X...X      ",
        "X....X     ",
        "X.....X    ",
        "X......X   ",
        "X.......X  ",
        "X........X ",
        "X.....XXXXX",
        "X..X..X    ",
        "X.X X..X   ",
        "XX  X..X   ",
        "X    X..X  ",
        "     X..X  ",
        "      XX   ",
    };

    private PseudoRects() {}

    /** The arrow as a Cursor rectangle: its pixels in the client's format, then the bitmask of the opaque ones. */
    static void arrow(ByteBuf out, ClientPixelFormat format) {
        int width = ARROW[0].length();
        int height = ARROW.length;
        ServerMessages.rectHeader(out, 0, 0, width, height, CURSOR);
        for (String row : ARROW) {
            for (int x = 0; x < width; x++) {
                format.writePixel(out, row.charAt(x) == '.' ? 0xFFFFFF : 0x000000);
            }
        }
        int rowBytes = (width + 7) / 8;
        for (String row : ARROW) {
            byte[] mask = new byte[rowBytes];
            for (int x = 0; x < width; x++) {
                if (row.charAt(x) != ' ') {
                    mask[x / 8] |= (byte) (0x80 >> (x % 8));
                }
            }
            out.writeBytes(mask);
        }
    }

    /** The keyboard LEDs as QEMU LED state: an empty rectangle and one byte ({@link Leds#qemuBits}). */
    static void ledState(ByteBuf out, int bits) {
        ServerMessages.rectHeader(out, 0, 0, 0, 0, QEMU_LED_STATE);
        out.writeByte(bits);
    }

    /** The desktop as one screen of {@code width}×{@code height}, and why this rectangle is sent. */
    static void extendedDesktopSize(ByteBuf out, int reason, int status, int width, int height) {
        ServerMessages.rectHeader(out, reason, status, width, height, EXTENDED_DESKTOP_SIZE);
        out.writeByte(1).writeZero(3); // one screen
        out.writeInt(0).writeShort(0).writeShort(0).writeShort(width).writeShort(height).writeInt(0);
    }
}
