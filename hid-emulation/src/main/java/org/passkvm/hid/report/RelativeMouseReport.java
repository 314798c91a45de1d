package org.passkvm.hid.report;

/** A boot-protocol mouse report: buttons, then dx, dy and wheel as signed bytes (-127..127). */
public record RelativeMouseReport(int buttons, int dx, int dy, int wheel) {

    public static final int SIZE = 4;

    public RelativeMouseReport {
        dx = AbsoluteMouseReport.clampByte(dx);
        dy = AbsoluteMouseReport.clampByte(dy);
        wheel = AbsoluteMouseReport.clampByte(wheel);
    }

    public void writeTo(byte[] dst, int offset) {
        dst[offset] = (byte) buttons;
        dst[offset + 1] = (byte) dx;
        dst[offset + 2] = (byte) dy;
        dst[offset + 3] = (byte) wheel;
    }

    public byte[] toBytes() {
        byte[] wire = new byte[SIZE];
        writeTo(wire, 0);
        return wire;
    }

    public static RelativeMouseReport parse(byte[] wire) {
        return new RelativeMouseReport(wire[0] & 0xff, wire[1], wire[2], wire[3]);
    }
}
