package org.passkvm.hid.serial;

import java.util.HexFormat;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

/**
 * The CH9329's serial frames (WCH "CH9329 serial communication protocol" V1.0): header 0x57 0xAB, address, command,
 * data length, data, and the sum of all previous bytes mod 256. Replies carry the command | 0x80 (success) or
 * | 0xC0 (failure, one status byte). Pure functions; {@link Ch9329Hid} does the talking.
 */
public final class Ch9329Frame {

    public static final int HEAD_1 = 0x57;
    public static final int HEAD_2 = 0xAB;
    public static final int ADDRESS = 0x00;
    public static final int CMD_GET_INFO = 0x01;
    public static final int CMD_SEND_KB_GENERAL_DATA = 0x02;
    public static final int CMD_SEND_MS_ABS_DATA = 0x04;
    public static final int CMD_SEND_MS_REL_DATA = 0x05;
    public static final int REPLY_OK = 0x80;
    public static final int REPLY_ERROR = 0xC0;
    /** Header, address, command, length and sum around the data. */
    public static final int OVERHEAD = 6;
    /** The chip's own absolute range is 0..4095 on both axes. */
    public static final int ABS_MAX = 4095;

    /** Status bytes of a failure reply. */
    public static final int STATUS_SUCCESS = 0x00;
    public static final int STATUS_TIMEOUT = 0xE1;
    public static final int STATUS_HEAD = 0xE2;
    public static final int STATUS_COMMAND = 0xE3;
    public static final int STATUS_CHECKSUM = 0xE4;
    public static final int STATUS_PARAMETER = 0xE5;
    public static final int STATUS_OPERATION = 0xE6;

    private Ch9329Frame() {}

    public static byte[] encode(int command, byte... data) {
        byte[] frame = new byte[OVERHEAD + data.length];
        frame[0] = (byte) HEAD_1;
        frame[1] = (byte) HEAD_2;
        frame[2] = ADDRESS;
        frame[3] = (byte) command;
        frame[4] = (byte) data.length;
        System.arraycopy(data, 0, frame, 5, data.length);
        frame[frame.length - 1] = (byte) sum(frame, 0, frame.length - 1);
        return frame;
    }

    public static byte[] keyboard(KeyboardReport report) {
        return encode(CMD_SEND_KB_GENERAL_DATA, report.toBytes());
    }

    /** The 0..32767 report position is scaled to the chip's 0..4095; the chip has no horizontal wheel. */
    public static byte[] absoluteMouse(AbsoluteMouseReport r) {
        int x = scale(r.x());
        int y = scale(r.y());
        return encode(CMD_SEND_MS_ABS_DATA, (byte) 0x02, (byte) (r.buttons() & 0x1F),
                (byte) x, (byte) (x >> 8), (byte) y, (byte) (y >> 8), (byte) r.wheel());
    }

    public static byte[] relativeMouse(RelativeMouseReport r) {
        return encode(CMD_SEND_MS_REL_DATA, (byte) 0x01, (byte) (r.buttons() & 0x1F), (byte) r.dx(), (byte) r.dy(),
                (byte) r.wheel());
    }

    public static byte[] getInfo() {
        return encode(CMD_GET_INFO);
    }

    static int scale(int reportPosition) {
        return (int) (((long) reportPosition * ABS_MAX + AbsoluteMouseReport.MAX / 2) / AbsoluteMouseReport.MAX);
    }

    public static int sum(byte[] bytes, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += bytes[i] & 0xFF;
        }
        return sum & 0xFF;
    }

    public static String hex(byte[] frame) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(frame);
    }

    /**
     * A reply from the chip.
     *
     * @param command the reply's command byte (request | 0x80 or | 0xC0)
     * @param checksumOk whether the sum byte matched
     */
    public record Reply(int command, byte[] data, boolean checksumOk) {

        public boolean answers(int request) {
            return (command & 0x3F) == request;
        }

        /** Success: an OK reply whose status byte (for one-byte replies) is 0. */
        public boolean ok() {
            return checksumOk && (command & 0xC0) == REPLY_OK && status() == STATUS_SUCCESS;
        }

        /** The status byte of a one-byte reply, else 0. */
        public int status() {
            return data.length == 1 ? data[0] & 0xFF : 0;
        }
    }
}
