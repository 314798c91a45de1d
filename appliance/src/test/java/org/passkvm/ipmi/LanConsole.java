package org.passkvm.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A LAN console that talks to the real pipeline on an {@link EmbeddedChannel} in datagrams. It
 * writes and reads every byte itself from the IPMI 2.0 spec, and does its RAKP, AES, HMAC and MD5
 * with the JDK rather than with the server's classes, so a round trip holds the server to the spec
 * and not to itself.
 */
final class LanConsole {

    static final InetSocketAddress BMC = new InetSocketAddress("127.0.0.1", 623);
    static final int NETFN_CHASSIS = 0x00;
    static final int NETFN_APP = 0x06;
    static final int OPEN_SESSION_REQUEST = 0x10;
    static final int OPEN_SESSION_RESPONSE = 0x11;
    static final int RAKP_1 = 0x12;
    static final int RAKP_2 = 0x13;
    static final int RAKP_3 = 0x14;
    static final int RAKP_4 = 0x15;

    /** A LAN response message, both checksums verified. */
    record Reply(int netFn, int command, int rqSeq, int completionCode, byte[] data) {}

    /** An RMCP+ packet as received, its payload decrypted when it came encrypted. */
    record Plus(int payloadType, boolean encrypted, boolean authenticated, int sessionId, long sequence, byte[] payload) {}

    /** An IPMI 1.5 packet as received. */
    record V15(int authType, long sequence, int sessionId, byte[] authCode, byte[] message) {}

    private final EmbeddedChannel bmc;
    final InetSocketAddress from;
    private int rqSeq;

    LanConsole(EmbeddedChannel bmc, InetSocketAddress from) {
        this.bmc = bmc;
        this.from = from;
    }

    /** One datagram in; the one reply to this console, or null when the BMC stays silent. */
    byte[] exchange(byte[] datagram) {
        bmc.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), BMC, from));
        bmc.runPendingTasks();
        byte[] reply = null;
        DatagramPacket p;
        while ((p = bmc.readOutbound()) != null) {
            try {
                assertThat(p.recipient()).as("answered to the sender").isEqualTo(from);
                assertThat(reply).as("one answer per request").isNull();
                reply = ByteBufUtil.getBytes(p.content());
            } finally {
                p.release();
            }
        }
        return reply;
    }

    // ---- the LAN message inside every IPMI packet (IPMI 2.0, 13.8)

    /** rsAddr 20h, netFn/LUN, checksum, rqAddr 81h (a software ID), rqSeq/LUN, command, data, checksum. */
    byte[] request(int netFn, int command, int... data) {
        byte[] m = new byte[7 + data.length];
        m[0] = 0x20;
        m[1] = (byte) (netFn << 2);
        m[2] = (byte) -(m[0] + m[1]);
        m[3] = (byte) 0x81;
        m[4] = (byte) ((++rqSeq & 0x3F) << 2);
        m[5] = (byte) command;
        for (int i = 0; i < data.length; i++) {
            m[6 + i] = (byte) data[i];
        }
        m[m.length - 1] = (byte) -sum(m, 3, m.length - 4);
        return m;
    }

    static Reply reply(byte[] m) {
        assertThat(sum(m, 0, 3)).as("header checksum").isZero();
        assertThat(sum(m, 3, m.length - 3)).as("data checksum").isZero();
        assertThat(m[0] & 0xFF).as("back to the requester").isEqualTo(0x81);
        assertThat(m[3] & 0xFF).as("from the BMC").isEqualTo(0x20);
        return new Reply((m[1] & 0xFF) >> 2, m[5] & 0xFF, (m[4] & 0xFF) >> 2, m[6] & 0xFF, Arrays.copyOfRange(m, 7, m.length - 1));
    }

    private static int sum(byte[] b, int from, int length) {
        int s = 0;
        for (int i = from; i < from + length; i++) {
            s += b[i];
        }
        return s & 0xFF;
    }

    // ---- ASF (class 6)

    static byte[] asfPing(int tag) {
        return new byte[] {0x06, 0x00, (byte) 0xFF, 0x06, 0x00, 0x00, 0x11, (byte) 0xBE, (byte) 0x80, (byte) tag, 0x00, 0x00};
    }

    // ---- IPMI 1.5 framing (IPMI 2.0, 13.6)

    static byte[] v15(int authType, long sequence, int sessionId, byte[] authCode, byte[] message) {
        ByteBuffer b = le(14 + (authType == 0 ? 0 : 16) + message.length);
        b.put(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07}).put((byte) authType).putInt((int) sequence).putInt(sessionId);
        if (authType != 0) {
            b.put(authCode);
        }
        return b.put((byte) message.length).put(message).array();
    }

    static V15 v15(byte[] datagram) {
        assertThat(Arrays.copyOf(datagram, 4)).as("RMCP header, class IPMI").containsExactly(0x06, 0x00, 0xFF, 0x07);
        ByteBuffer b = ByteBuffer.wrap(datagram, 4, datagram.length - 4).order(ByteOrder.LITTLE_ENDIAN);
        int authType = b.get() & 0x0F;
        long sequence = b.getInt() & 0xFFFFFFFFL;
        int sessionId = b.getInt();
        byte[] code = null;
        if (authType != 0) {
            code = new byte[16];
            b.get(code);
        }
        byte[] message = new byte[b.get() & 0xFF];
        b.get(message);
        return new V15(authType, sequence, sessionId, code, message);
    }

    /** A session-less IPMI 1.5 request and its answer; null when none came. */
    Reply v15Request(int netFn, int command, int... data) {
        byte[] answer = exchange(v15(0, 0, 0, null, request(netFn, command, data)));
        return answer == null ? null : reply(v15(answer).message());
    }

    // ---- RMCP+ framing (IPMI 2.0, 13.6 and 13.28)

    /** A packet without session security: the handshake, and IPMI messages outside a session. */
    static byte[] plus(int payloadType, int sessionId, long sequence, byte[] payload) {
        return le(16 + payload.length).put(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07, 0x06, (byte) payloadType})
                .putInt(sessionId).putInt((int) sequence).putShort((short) payload.length).put(payload).array();
    }

    /** An unsecured RMCP+ packet as received. */
    static Plus plus(byte[] datagram) {
        assertThat(Arrays.copyOf(datagram, 5)).as("RMCP header, class IPMI, RMCP+").containsExactly(0x06, 0x00, 0xFF, 0x07, 0x06);
        ByteBuffer b = ByteBuffer.wrap(datagram, 5, datagram.length - 5).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.get() & 0xFF;
        int sessionId = b.getInt();
        long sequence = b.getInt() & 0xFFFFFFFFL;
        byte[] payload = new byte[b.getShort() & 0xFFFF];
        b.get(payload);
        assertThat(b.remaining()).as("nothing after an unsigned payload").isZero();
        return new Plus(type & 0x3F, (type & 0x80) != 0, (type & 0x40) != 0, sessionId, sequence, payload);
    }

    /** A handshake message and the payload of its answer; null when none came. */
    byte[] handshake(int payloadType, byte[] payload, int answerType) {
        byte[] answer = exchange(plus(payloadType, 0, 0, payload));
        if (answer == null) {
            return null;
        }
        Plus p = plus(answer);
        assertThat(p.payloadType()).isEqualTo(answerType);
        assertThat(p.sessionId()).as("handshake answers are session-less").isZero();
        return p.payload();
    }

    /** A session-less IPMI request in RMCP+ framing, as ipmitool -I lanplus sends its first ones. */
    Reply plusRequest(int netFn, int command, int... data) {
        byte[] answer = exchange(plus(0x00, 0, 0, request(netFn, command, data)));
        if (answer == null) {
            return null;
        }
        Plus p = plus(answer);
        assertThat(p.encrypted() || p.authenticated()).as("no security outside a session").isFalse();
        return reply(p.payload());
    }

    // ---- the RMCP+ handshake (IPMI 2.0, 13.17 to 13.31)

    /** The algorithms of cipher suites 3 and 17 (IPMI 2.0, table 22-20), spelled out rather than taken from {@link CipherSuite}. */
    record Suite(int id, int auth, int integrity, int confidentiality, String hmac, int codeLength) {
        static final Suite THREE = new Suite(3, 0x01, 0x01, 0x01, "HmacSHA1", 12);
        static final Suite SEVENTEEN = new Suite(17, 0x03, 0x04, 0x01, "HmacSHA256", 16);
    }

    static byte[] openSessionRequest(int tag, int role, int consoleId, Suite suite) {
        return le(32).put((byte) tag).put((byte) role).putShort((short) 0).putInt(consoleId)
                .put(new byte[] {0x00, 0, 0, 0x08, (byte) suite.auth(), 0, 0, 0})
                .put(new byte[] {0x01, 0, 0, 0x08, (byte) suite.integrity(), 0, 0, 0})
                .put(new byte[] {0x02, 0, 0, 0x08, (byte) suite.confidentiality(), 0, 0, 0}).array();
    }

    static byte[] rakp1(int tag, int bmcId, byte[] consoleRandom, int role, String user) {
        byte[] name = user.getBytes(StandardCharsets.US_ASCII);
        return le(28 + name.length).put((byte) tag).put(new byte[3]).putInt(bmcId).put(consoleRandom).put((byte) role)
                .putShort((short) 0).put((byte) name.length).put(name).array();
    }

    static byte[] rakp3(int tag, int status, int bmcId, byte[] code) {
        return le(8 + code.length).put((byte) tag).put((byte) status).putShort((short) 0).putInt(bmcId).put(code).array();
    }

    /** A logged-in RMCP+ session: every request sealed, every answer checked and opened, with keys of its own. */
    final class Session {
        final Suite suite;
        final int consoleId;
        final int bmcId;
        final byte[] sik;
        private final byte[] k1;
        private final SecretKeySpec aes;
        private long sequence;
        /** The last answer as it came, before it was opened. */
        Plus lastAnswer;

        Session(Suite suite, int consoleId, int bmcId, byte[] sik) {
            this.suite = suite;
            this.consoleId = consoleId;
            this.bmcId = bmcId;
            this.sik = sik;
            this.k1 = hmac(suite, sik, filled(20, 0x01));
            this.aes = new SecretKeySpec(Arrays.copyOf(hmac(suite, sik, filled(20, 0x02)), 16), "AES");
        }

        /** A request sealed as the next in this session: to send, or to replay and tamper with. */
        byte[] seal(int netFn, int command, int... data) {
            byte[] payload = encrypt(request(netFn, command, data));
            ByteBuffer b = le(4 + 12 + payload.length + 3 + 2 + suite.codeLength());
            b.put(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07});
            int signedFrom = b.position();
            b.put((byte) 0x06).put((byte) 0xC0).putInt(bmcId).putInt((int) ++sequence).putShort((short) payload.length).put(payload);
            int pad = (4 - (12 + payload.length + 2) % 4) % 4;
            for (int i = 0; i < pad; i++) {
                b.put((byte) 0xFF);
            }
            b.put((byte) pad).put((byte) 0x07);
            byte[] signed = Arrays.copyOfRange(b.array(), signedFrom, b.position());
            b.put(Arrays.copyOf(hmac(suite, k1, signed), suite.codeLength()));
            return Arrays.copyOf(b.array(), b.position());
        }

        /** A request in this session and its answer, opened; null when none came. */
        Reply command(int netFn, int command, int... data) {
            byte[] answer = exchange(seal(netFn, command, data));
            return answer == null ? null : reply(open(answer));
        }

        /** Checks the integrity code over the bytes as received, then decrypts. */
        byte[] open(byte[] datagram) {
            ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN);
            b.position(5);
            int type = b.get() & 0xFF;
            int sessionId = b.getInt();
            long seq = b.getInt() & 0xFFFFFFFFL;
            byte[] payload = new byte[b.getShort() & 0xFFFF];
            b.get(payload);
            int pad = (4 - (12 + payload.length + 2) % 4) % 4;
            b.position(b.position() + pad);
            assertThat(b.get() & 0xFF).as("pad length").isEqualTo(pad);
            assertThat(b.get()).as("next header").isEqualTo((byte) 0x07);
            byte[] signed = Arrays.copyOfRange(datagram, 4, b.position());
            byte[] code = Arrays.copyOfRange(datagram, b.position(), datagram.length);
            assertThat(code).as("integrity code").isEqualTo(Arrays.copyOf(hmac(suite, k1, signed), suite.codeLength()));
            byte[] plain = decrypt(payload);
            lastAnswer = new Plus(type & 0x3F, (type & 0x80) != 0, (type & 0x40) != 0, sessionId, seq, plain);
            return plain;
        }

        private byte[] encrypt(byte[] plain) {
            int pad = (16 - (plain.length + 1) % 16) % 16;
            byte[] block = Arrays.copyOf(plain, plain.length + pad + 1);
            for (int i = 0; i < pad; i++) {
                block[plain.length + i] = (byte) (i + 1);
            }
            block[block.length - 1] = (byte) pad;
            byte[] iv = new byte[16];
            Arrays.fill(iv, (byte) sequence); // any IV will do for a test; the BMC's own must be random
            try {
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, aes, new IvParameterSpec(iv));
                return ByteBuffer.allocate(16 + block.length).put(iv).put(c.doFinal(block)).array();
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        private byte[] decrypt(byte[] data) {
            assertThat(data.length % 16).as("whole AES blocks").isZero();
            try {
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(Cipher.DECRYPT_MODE, aes, new IvParameterSpec(data, 0, 16));
                byte[] block = c.doFinal(data, 16, data.length - 16);
                int pad = block[block.length - 1] & 0xFF;
                for (int i = 0; i < pad; i++) {
                    assertThat(block[block.length - 1 - pad + i]).as("confidentiality pad").isEqualTo((byte) (i + 1));
                }
                return Arrays.copyOf(block, block.length - 1 - pad);
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The whole RMCP+ login, each step's answer checked on the way. */
    Session login(Suite suite, String user, String password, int role, byte[] guid) {
        int consoleId = 0x0A0B0C0D;
        byte[] open = handshake(OPEN_SESSION_REQUEST, openSessionRequest(1, role, consoleId, suite), OPEN_SESSION_RESPONSE);
        assertThat(open[1]).as("Open Session status").isZero();
        int bmcId = le32(open, 8);
        byte[] consoleRandom = "console-random-1".getBytes(StandardCharsets.US_ASCII);
        byte[] rakp2 = handshake(RAKP_1, rakp1(2, bmcId, consoleRandom, role, user), RAKP_2);
        assertThat(rakp2[1]).as("RAKP 2 status").isZero();
        byte[] bmcRandom = Arrays.copyOfRange(rakp2, 8, 24);
        byte[] key = password.getBytes(StandardCharsets.US_ASCII);
        byte[] roleAndName = roleAndName(role, user);
        assertThat(Arrays.copyOfRange(rakp2, 40, rakp2.length)).as("RAKP 2 proves the BMC knows the password")
                .isEqualTo(hmac(suite, key, le32(consoleId), le32(bmcId), consoleRandom, bmcRandom, guid, roleAndName));
        byte[] rakp4 = handshake(RAKP_3, rakp3(3, 0, bmcId, hmac(suite, key, bmcRandom, le32(consoleId), roleAndName)), RAKP_4);
        assertThat(rakp4[1]).as("RAKP 4 status").isZero();
        byte[] sik = hmac(suite, key, consoleRandom, bmcRandom, roleAndName);
        assertThat(Arrays.copyOfRange(rakp4, 8, rakp4.length)).as("RAKP 4 proves the BMC holds the session key")
                .isEqualTo(Arrays.copyOf(hmac(suite, sik, consoleRandom, le32(bmcId), guid), suite.codeLength()));
        return new Session(suite, consoleId, bmcId, sik);
    }

    static byte[] roleAndName(int role, String user) {
        byte[] name = user.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(2 + name.length).put((byte) role).put((byte) name.length).put(name).array();
    }

    static byte[] hmac(Suite suite, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(suite.hmac());
            mac.init(new SecretKeySpec(key, suite.hmac()));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    // ---- the IPMI 1.5 login (22.15 to 22.17), MD5 only

    /** A logged-in (or, until activated, challenged) IPMI 1.5 session. */
    final class V15Session {
        private final byte[] key;
        int sessionId;
        long sequence;

        V15Session(String password, int temporaryId) {
            this.key = Arrays.copyOf(password.getBytes(StandardCharsets.US_ASCII), 16);
            this.sessionId = temporaryId;
        }

        /** MD5(password, session ID, message, sequence, password), the 1.5 auth code (22.17.1). */
        byte[] md5(int session, byte[] message, long seq) {
            try {
                MessageDigest md = MessageDigest.getInstance("MD5");
                md.update(key);
                md.update(le32(session));
                md.update(message);
                md.update(le32((int) seq));
                md.update(key);
                return md.digest();
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        /** A request signed with MD5, and its answer, whose auth code is checked; null when none came. */
        Reply command(int netFn, int command, int... data) {
            byte[] m = request(netFn, command, data);
            long seq = sequence == 0 ? 0 : sequence++;
            byte[] answer = exchange(v15(0x02, seq, sessionId, md5(sessionId, m, seq), m));
            if (answer == null) {
                return null;
            }
            V15 in = v15(answer);
            assertThat(in.authType()).as("answered with MD5").isEqualTo(0x02);
            assertThat(in.sessionId()).isEqualTo(sessionId);
            assertThat(in.authCode()).as("the BMC's MD5 auth code").isEqualTo(md5(sessionId, in.message(), in.sequence()));
            return reply(in.message());
        }
    }

    static byte[] challengeRequestData(String user) {
        byte[] d = new byte[17];
        d[0] = 0x02;
        byte[] name = user.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, d, 1, name.length);
        return d;
    }

    static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int le32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    static byte[] le32(int v) {
        return le(4).putInt(v).array();
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
