package org.passkvm.ipmi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * IPMI's byte order for the fields it leaves unframed in byte arrays: session IDs, sequence numbers
 * and RAKP fields are least-significant byte first, unlike RMCP's own header and the ASF IANA number.
 */
final class LittleEndian {

    private LittleEndian() {}

    static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    /** A buffer to build a message body in; its array is the message. */
    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
