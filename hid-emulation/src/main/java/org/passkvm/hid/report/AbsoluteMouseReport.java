package org.passkvm.hid.report;

/**
 * An absolute pointer report: buttons, X and Y in 0..32767, vertical wheel and horizontal pan
 * as signed bytes. Wire form (little-endian): buttons, x lo, x hi, y lo, y hi, wheel[, pan].
 */
public record AbsoluteMouseReport(int buttons, int x, int y, int wheel, int pan) {

    public static final int MAX = 32767;
    public static final int SIZE_WITH_PAN = 7;
    public static final int SIZE_WITHOUT_PAN = 6;

    public AbsoluteMouseReport {
        if (x < 0 || x > MAX || y < 0 || y > MAX) {
            throw new IllegalArgumentException("absolute position must be within 0.." + MAX + ", got " + x + "," + y);
        }
        wheel = clampByte(wheel);
        pan = clampByte(pan);
    }

    public void writeTo(byte[] dst, int offset, boolean withPan) {
        dst[offset] = (byte) buttons;
        dst[offset + 1] = (byte) x;
        dst[offset + 2] = (byte) (x >> 8);
        dst[offset + 3] = (byte) y;
        dst[offset + 4] = (byte) (y >> 8);
        dst[offset + 5] = (byte) wheel;
        if (withPan) {
            dst[offset + 6] = (byte) pan;
        }
    }

    public byte[] toBytes(boolean withPan) {
        byte[] wire = new byte[withPan ? SIZE_WITH_PAN : SIZE_WITHOUT_PAN];
        writeTo(wire, 0, withPan);
        return wire;
    }

    public static AbsoluteMouseReport parse(byte[] wire) {
        int x = (wire[1] & 0xff) | (wire[2] & 0xff) << 8;
        int y = (wire[3] & 0xff) | (wire[4] & 0xff) << 8;
        return new AbsoluteMouseReport(wire[0] & 0xff, x, y, wire[5], wire.length > 6 ? wire[6] : 0);
    }

    static int clampByte(int v) {
        return Math.max(-127, Math.min(127, v));
    }
}
