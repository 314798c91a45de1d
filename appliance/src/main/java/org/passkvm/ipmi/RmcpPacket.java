package org.passkvm.ipmi;

import java.net.InetSocketAddress;

/** One UDP datagram on the RMCP port, as {@link RmcpCodec} reads and writes it; the peer is the sender or the recipient. */
sealed interface RmcpPacket {

    InetSocketAddress peer();

    /** ASF (class 6): presence ping and pong. */
    record Asf(InetSocketAddress peer, int messageType, int tag, byte[] data) implements RmcpPacket {
        static final int PING = 0x80;
        static final int PONG = 0x40;
    }

    /**
     * IPMI 1.5 session framing: also what lanplus uses for its first, session-less message.
     *
     * @param authCode 16 bytes, or null when authType is 0 (none)
     * @param message the IPMI LAN message, from rsAddr to the second checksum
     */
    record V15(InetSocketAddress peer, int authType, long sequence, int sessionId, byte[] authCode, byte[] message)
            implements RmcpPacket {

        static final int AUTH_NONE = 0x00;
        static final int AUTH_MD5 = 0x02;
    }

    /**
     * IPMI 2.0 RMCP+ framing.
     *
     * @param payload as on the wire: ciphertext when encrypted
     * @param signed on the way in, the bytes the integrity code covers (auth type to next header); else null
     * @param authCode the integrity code when authenticated; else null
     */
    record V20(InetSocketAddress peer, int payloadType, boolean encrypted, boolean authenticated, int sessionId,
            long sequence, byte[] payload, byte[] signed, byte[] authCode) implements RmcpPacket {

        static final int IPMI = 0x00;
        static final int OPEN_SESSION_REQUEST = 0x10;
        static final int OPEN_SESSION_RESPONSE = 0x11;
        static final int RAKP_1 = 0x12;
        static final int RAKP_2 = 0x13;
        static final int RAKP_3 = 0x14;
        static final int RAKP_4 = 0x15;

        static V20 plain(InetSocketAddress peer, int payloadType, byte[] payload) {
            return new V20(peer, payloadType, false, false, 0, 0, payload, null, null);
        }

        V20 withAuthCode(byte[] code) {
            return new V20(peer, payloadType, encrypted, authenticated, sessionId, sequence, payload, signed, code);
        }
    }
}
