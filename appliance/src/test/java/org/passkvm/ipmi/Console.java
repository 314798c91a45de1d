package org.passkvm.ipmi;

import static org.passkvm.ipmi.LittleEndian.le32;
import static org.passkvm.ipmi.LittleEndian.le;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An IPMI console's side of the logins, as datagrams through the real pipeline on an
 * {@link EmbeddedChannel}: the RMCP+ handshake (Open Session, RAKP 1 to 4) the way ipmitool runs it,
 * the steps an attacker stops after, and IPMI 1.5's Get Session Challenge. No sockets, no sleeps.
 */
final class Console {

    static final InetSocketAddress BMC = new InetSocketAddress("127.0.0.1", 623);
    static final int ADMINISTRATOR = 0x04;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a login came to. */
    enum Result { LOGGED_IN, RAKP2_HMAC_INVALID, REFUSED_AT_OPEN, REFUSED_AT_RAKP2, REFUSED_AT_RAKP4, NO_ANSWER }

    record Opened(int status, int bmcId) {}

    record Rakp2(int status, byte[] bmcRandom, byte[] guid, byte[] hmac) {}

    private final EmbeddedChannel channel;
    private final InetSocketAddress from;
    private final CipherSuite suite;
    private int lastStatus;

    Console(EmbeddedChannel channel, InetSocketAddress from, CipherSuite suite) {
        this.channel = channel;
        this.from = from;
        this.suite = suite;
    }

    static InetSocketAddress at(String address) {
        return new InetSocketAddress(address, 40_000 + RANDOM.nextInt(20_000));
    }

    /** The status byte of the last refusal. */
    int lastStatus() {
        return lastStatus;
    }

    /** The whole RMCP+ login, as ipmitool does it: gives up at RAKP 3 with status 0x0F when RAKP 2's code is wrong. */
    Result login(String user, String password) {
        return login(user, password, ADMINISTRATOR);
    }

    Result login(String user, String password, int role) {
        return login(user, password, role, () -> {}, () -> {});
    }

    /**
     * The login with something happening meanwhile: {@code afterOpen} runs between Open Session
     * and RAKP 1, {@code afterRakp2} between RAKP 2 and RAKP 3 (a flood, a clock moving on).
     */
    Result login(String user, String password, int role, Runnable afterOpen, Runnable afterRakp2) {
        int consoleId = RANDOM.nextInt();
        Opened o = open(consoleId);
        if (o == null) {
            return Result.NO_ANSWER;
        }
        if (o.status() != 0) {
            lastStatus = o.status();
            return Result.REFUSED_AT_OPEN;
        }
        afterOpen.run();
        byte[] consoleRandom = new byte[16];
        RANDOM.nextBytes(consoleRandom);
        Rakp2 r2 = rakp1(o.bmcId(), consoleRandom, role, user);
        if (r2 == null) {
            return Result.NO_ANSWER;
        }
        if (r2.status() != 0) {
            lastStatus = r2.status();
            return Result.REFUSED_AT_RAKP2;
        }
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        byte[] expected = SessionKeys.hmac(suite, key, le32(consoleId), le32(o.bmcId()), consoleRandom, r2.bmcRandom(), r2.guid(),
                new byte[] {(byte) role, (byte) name.length}, name);
        if (!MessageDigest.isEqual(expected, r2.hmac())) {
            rakp3(o.bmcId(), 0x0F, new byte[0]);
            return Result.RAKP2_HMAC_INVALID;
        }
        afterRakp2.run();
        byte[] proof = SessionKeys.hmac(suite, key, r2.bmcRandom(), le32(consoleId), new byte[] {(byte) role, (byte) name.length}, name);
        int status = rakp3(o.bmcId(), 0, proof);
        if (status == 0) {
            return Result.LOGGED_IN;
        }
        lastStatus = status;
        return status < 0 ? Result.NO_ANSWER : Result.REFUSED_AT_RAKP4;
    }

    /** Open Session and RAKP 1, then nothing: what someone collecting RAKP 2 codes to crack offline sends. */
    Rakp2 collectRakp2(String user) {
        Opened o = open(RANDOM.nextInt());
        if (o == null || o.status() != 0) {
            return o == null ? null : new Rakp2(o.status(), null, null, null);
        }
        byte[] consoleRandom = new byte[16];
        RANDOM.nextBytes(consoleRandom);
        return rakp1(o.bmcId(), consoleRandom, ADMINISTRATOR, user);
    }

    /** Open Session for this console's cipher suite; null when nothing answers. */
    Opened open(int consoleId) {
        ByteBuffer p = le(32);
        p.put((byte) 1).put((byte) 0).putShort((short) 0).putInt(consoleId);
        p.put(new byte[] {0x00, 0, 0, 0x08, (byte) suite.authAlgorithm, 0, 0, 0});
        p.put(new byte[] {0x01, 0, 0, 0x08, (byte) suite.integrityAlgorithm, 0, 0, 0});
        p.put(new byte[] {0x02, 0, 0, 0x08, (byte) suite.confidentialityAlgorithm, 0, 0, 0});
        byte[] r = exchange(RmcpPacket.V20.OPEN_SESSION_REQUEST, p.array());
        return r == null ? null : new Opened(r[1] & 0xFF, r.length >= 12 ? le32(r, 8) : 0);
    }

    /** RAKP 1 for {@code user}: the BMC's RAKP 2, which for a known user holds a code checkable offline. */
    Rakp2 rakp1(int bmcId, byte[] consoleRandom, int role, String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        ByteBuffer p = le(28 + name.length);
        p.put((byte) 2).put(new byte[3]).putInt(bmcId).put(consoleRandom).put((byte) role).putShort((short) 0)
                .put((byte) name.length).put(name);
        byte[] r = exchange(RmcpPacket.V20.RAKP_1, p.array());
        if (r == null) {
            return null;
        }
        if (r[1] != 0) {
            return new Rakp2(r[1] & 0xFF, null, null, null);
        }
        return new Rakp2(0, Arrays.copyOfRange(r, 8, 24), Arrays.copyOfRange(r, 24, 40), Arrays.copyOfRange(r, 40, r.length));
    }

    /** RAKP 3; the RAKP 4 status, or -1 when nothing answers (the BMC drops a console that gave up). */
    int rakp3(int bmcId, int status, byte[] code) {
        ByteBuffer p = le(8 + code.length);
        p.put((byte) 3).put((byte) status).putShort((short) 0).putInt(bmcId).put(code);
        byte[] r = exchange(RmcpPacket.V20.RAKP_3, p.array());
        return r == null ? -1 : r[1] & 0xFF;
    }

    /** IPMI 1.5 Get Session Challenge (MD5): the completion code and the response data after it. */
    byte[] challenge(String user) {
        byte[] data = new byte[17];
        data[0] = 0x02;
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, data, 1, Math.min(16, name.length));
        byte[] m = new byte[7 + data.length];
        m[0] = 0x20;
        m[1] = 0x06 << 2;
        m[2] = (byte) -(m[0] + m[1]);
        m[3] = (byte) 0x81;
        m[4] = 1 << 2;
        m[5] = 0x39;
        System.arraycopy(data, 0, m, 6, data.length);
        m[m.length - 1] = (byte) -IpmiRequest.checksum(m, 3, m.length - 4);
        ByteBuffer d = le(14 + m.length);
        d.put(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07, 0x00}).putInt(0).putInt(0).put((byte) m.length).put(m);
        byte[] answer = send(d.array());
        if (answer == null) {
            return null;
        }
        int len = answer[13] & 0xFF;
        return Arrays.copyOfRange(answer, 14 + 6, 14 + len - 1); // completion code, data
    }

    private byte[] exchange(int payloadType, byte[] payload) {
        ByteBuffer d = le(16 + payload.length);
        d.put(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07, 0x06, (byte) payloadType}).putInt(0).putInt(0)
                .putShort((short) payload.length).put(payload);
        byte[] answer = send(d.array());
        if (answer == null) {
            return null;
        }
        int len = (answer[14] & 0xFF) | (answer[15] & 0xFF) << 8;
        return Arrays.copyOfRange(answer, 16, 16 + len);
    }

    /** One datagram in; the answer to this console, or null. */
    private byte[] send(byte[] datagram) {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), BMC, from));
        channel.runPendingTasks();
        byte[] mine = null;
        Object o;
        while ((o = channel.readOutbound()) != null) {
            DatagramPacket p = (DatagramPacket) o;
            if (mine == null && p.recipient().equals(from)) {
                ByteBuf b = p.content();
                mine = ByteBufUtil.getBytes(b);
            }
            p.release();
        }
        return mine;
    }
}
