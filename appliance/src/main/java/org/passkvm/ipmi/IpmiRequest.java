package org.passkvm.ipmi;

import java.util.Arrays;

/**
 * One IPMI command from the LAN, checked and decrypted, with what is needed to answer it.
 *
 * @param via the packet it came in (for the framing of the answer)
 * @param session the authenticated session, or null for the few session-less commands
 */
record IpmiRequest(RmcpPacket via, IpmiSession session, int netFn, int rsLun, int rqAddr, int rqSeq, int rqLun,
        int command, byte[] data) {

    static final int NETFN_CHASSIS = 0x00;
    static final int NETFN_APP = 0x06;

    /** Parses a LAN message (rsAddr, netFn/LUN, checksum, rqAddr, rqSeq/LUN, cmd, data, checksum); null if garbled. */
    static IpmiRequest parse(RmcpPacket via, IpmiSession session, byte[] m) {
        if (m.length < 7 || checksum(m, 0, 3) != 0 || checksum(m, 3, m.length - 3) != 0) {
            return null;
        }
        return new IpmiRequest(via, session, (m[1] & 0xFF) >> 2, m[1] & 3, m[3] & 0xFF, (m[4] & 0xFF) >> 2, m[4] & 3,
                m[5] & 0xFF, Arrays.copyOfRange(m, 6, m.length - 1));
    }

    IpmiResponse reply(int completionCode, byte[] body) {
        return new IpmiResponse(this, completionCode, body);
    }

    /** The answer with these response bytes (each 0..255) after the completion code. */
    IpmiResponse reply(int completionCode, int... body) {
        byte[] b = new byte[body.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) body[i];
        }
        return new IpmiResponse(this, completionCode, b);
    }

    int privilege() {
        return session == null ? 0 : session.privilege();
    }

    /** Sum of the bytes, which with their two's-complement checksum must be 0 mod 256. */
    static int checksum(byte[] b, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += b[i];
        }
        return sum & 0xFF;
    }
}
