package org.passkvm.ipmi;

import static org.passkvm.ipmi.LittleEndian.le32;
import static org.passkvm.ipmi.LittleEndian.le;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.passkvm.web.auth.LoginLimiter;
import org.tinylog.Logger;

/**
 * The RMCP+ handshake (IPMI 2.0, 13.17 to 13.31): Open Session picks the cipher suite, RAKP 1 and 2
 * prove the BMC knows the user's key, RAKP 3 and 4 prove the console does and derive the session
 * keys. Any failure ends the half-made session with the status code the spec gives for it.
 */
final class RakpHandler extends ChannelInboundHandlerAdapter {

    static final int STATUS_OK = 0x00;
    static final int INSUFFICIENT_RESOURCES = 0x01;
    static final int INVALID_SESSION_ID = 0x02;
    static final int INVALID_ROLE = 0x09;
    static final int UNAUTHORIZED_NAME = 0x0D;
    static final int INVALID_INTEGRITY_CHECK = 0x0F;
    static final int NO_CIPHER_SUITE_MATCH = 0x11;
    static final int ILLEGAL_PARAMETER = 0x12;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final IpmiSessions sessions;
    private final IpmiUsers users;
    private final byte[] guid;

    private final LoginLimiter limiter;

    RakpHandler(IpmiSessions sessions, IpmiUsers users, byte[] guid, LoginLimiter limiter) {
        this.limiter = limiter;
        this.sessions = sessions;
        this.users = users;
        this.guid = guid;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RmcpPacket.V20 p) || p.payloadType() == RmcpPacket.V20.IPMI) {
            ctx.fireChannelRead(msg);
            return;
        }
        byte[] d = p.payload();
        try {
            switch (p.payloadType()) {
                case RmcpPacket.V20.OPEN_SESSION_REQUEST -> openSession(ctx, p, d);
                case RmcpPacket.V20.RAKP_1 -> rakp1(ctx, p, d);
                case RmcpPacket.V20.RAKP_3 -> rakp3(ctx, p, d);
                default -> Logger.debug("Dropped RMCP+ payload type {} from {}", p.payloadType(), p.peer());
            }
        } catch (IndexOutOfBoundsException e) {
            Logger.debug("Dropped a truncated RMCP+ handshake message from {}", p.peer());
        }
    }

    private void openSession(ChannelHandlerContext ctx, RmcpPacket.V20 p, byte[] d) {
        int tag = d[0] & 0xFF;
        int consoleId = le32(d, 4);
        if (d.length < 32) {
            reply(ctx, p, RmcpPacket.V20.OPEN_SESSION_RESPONSE, error(tag, ILLEGAL_PARAMETER, consoleId));
            return;
        }
        var suite = CipherSuite.match(d[12] & 0x3F, d[20] & 0x3F, d[28] & 0x3F);
        if (suite.isEmpty()) {
            reply(ctx, p, RmcpPacket.V20.OPEN_SESSION_RESPONSE, error(tag, NO_CIPHER_SUITE_MATCH, consoleId));
            return;
        }
        var session = sessions.open(p.peer(), consoleId, suite.get(), true, IpmiSession.Stage.OPENED);
        if (session.isEmpty()) {
            reply(ctx, p, RmcpPacket.V20.OPEN_SESSION_RESPONSE, error(tag, INSUFFICIENT_RESOURCES, consoleId));
            return;
        }
        CipherSuite s = suite.get();
        int requested = d[1] & 0x0F;
        ByteBuffer r = le(36);
        r.put((byte) tag).put((byte) STATUS_OK).put((byte) (requested == 0 ? IpmiSession.ADMINISTRATOR : requested)).put((byte) 0);
        r.putInt(consoleId).putInt(session.get().bmcId);
        r.put(new byte[] {0x00, 0, 0, 0x08, (byte) s.authAlgorithm, 0, 0, 0});
        r.put(new byte[] {0x01, 0, 0, 0x08, (byte) s.integrityAlgorithm, 0, 0, 0});
        r.put(new byte[] {0x02, 0, 0, 0x08, (byte) s.confidentialityAlgorithm, 0, 0, 0});
        reply(ctx, p, RmcpPacket.V20.OPEN_SESSION_RESPONSE, r.array());
    }

    private void rakp1(ChannelHandlerContext ctx, RmcpPacket.V20 p, byte[] d) {
        int tag = d[0] & 0xFF;
        int bmcId = le32(d, 4);
        var found = sessions.find(bmcId, p.peer()).filter(s -> s.rmcpPlus && s.stage() != IpmiSession.Stage.ACTIVE);
        if (found.isEmpty()) {
            reply(ctx, p, RmcpPacket.V20.RAKP_2, error(tag, INVALID_SESSION_ID, 0));
            return;
        }
        IpmiSession s = found.get();
        int nameLength = d[27] & 0xFF;
        if (nameLength > 16 || d.length < 28 + nameLength) {
            fail(ctx, p, s, RmcpPacket.V20.RAKP_2, tag, ILLEGAL_PARAMETER);
            return;
        }
        String name = new String(d, 28, nameLength, java.nio.charset.StandardCharsets.UTF_8);
        String source = p.peer().getAddress().getHostAddress();
        int role = d[24] & 0xFF;
        int level = role & 0x0F;
        // Every refusal here must be the same for every name, or it tells which names exist.
        Duration wait = limiter.retryAfter(source, name);
        if (!wait.isZero()) {
            Logger.info("IPMI login for '{}' from {} refused: too many failed logins, {} s to wait", printable(name), source,
                    wait.toSeconds());
            fail(ctx, p, s, RmcpPacket.V20.RAKP_2, tag, INSUFFICIENT_RESOURCES);
            return;
        }
        if (level > IpmiSession.ADMINISTRATOR) {
            fail(ctx, p, s, RmcpPacket.V20.RAKP_2, tag, INVALID_ROLE);
            return;
        }
        // A name that may not log in gets a decoy key: its RAKP 2 looks like anyone's, and the login fails at RAKP 3.
        IpmiUsers.Login login = users.loginOrDecoy(name);
        if (!login.real()) {
            Logger.info("IPMI login for '{}' from {}: no IPMI user of that name; answered with a decoy", printable(name), source);
        }
        s.user = name;
        s.realUser = login.real();
        s.key = login.key();
        s.requestedRole = role;
        s.maxPrivilege = login.maxPrivilege();
        s.consoleRandom = Arrays.copyOfRange(d, 8, 24);
        s.bmcRandom = new byte[16];
        RANDOM.nextBytes(s.bmcRandom);
        s.advance(IpmiSession.Stage.RAKP2_SENT);
        s.touch();
        s.loginPending(); // RAKP 2 can be checked offline: until RAKP 3 proves the password, this is a guess
        byte[] auth = SessionKeys.hmac(s.suite, s.key, le32(s.consoleId), le32(s.bmcId), s.consoleRandom, s.bmcRandom,
                guid, new byte[] {(byte) role, (byte) nameLength}, Arrays.copyOfRange(d, 28, 28 + nameLength));
        ByteBuffer r = le(40 + auth.length);
        r.put((byte) tag).put((byte) STATUS_OK).putShort((short) 0).putInt(s.consoleId);
        r.put(s.bmcRandom).put(guid).put(auth);
        reply(ctx, p, RmcpPacket.V20.RAKP_2, r.array());
    }

    private void rakp3(ChannelHandlerContext ctx, RmcpPacket.V20 p, byte[] d) {
        int tag = d[0] & 0xFF;
        int bmcId = le32(d, 4);
        var found = sessions.find(bmcId, p.peer()).filter(s -> s.rmcpPlus && s.stage() == IpmiSession.Stage.RAKP2_SENT);
        if (found.isEmpty()) {
            reply(ctx, p, RmcpPacket.V20.RAKP_4, error(tag, INVALID_SESSION_ID, 0));
            return;
        }
        IpmiSession s = found.get();
        if (d[1] != STATUS_OK) {
            // The console found our RAKP 2 wrong (usually: a wrong password): it gives up, and so do we.
            Logger.info("IPMI login for '{}' from {} abandoned by the console (status {})", s.user,
                    p.peer().getAddress().getHostAddress(), d[1] & 0xFF);
            sessions.close(s);
            return;
        }
        byte[] userName = s.user.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] roleAndName = new byte[2 + userName.length];
        roleAndName[0] = (byte) s.requestedRole;
        roleAndName[1] = (byte) userName.length;
        System.arraycopy(userName, 0, roleAndName, 2, userName.length);
        byte[] expected = SessionKeys.hmac(s.suite, s.key, s.bmcRandom, le32(s.consoleId), roleAndName);
        byte[] got = Arrays.copyOfRange(d, 8, d.length);
        if (!MessageDigest.isEqual(expected, got) || !s.realUser) {
            Logger.info("IPMI login refused for '{}' from {}: wrong password", printable(s.user), p.peer().getAddress().getHostAddress());
            fail(ctx, p, s, RmcpPacket.V20.RAKP_4, tag, INVALID_INTEGRITY_CHECK);
            return;
        }
        s.settleLogin();
        limiter.succeeded(p.peer().getAddress().getHostAddress(), s.user);
        // Only someone who proved the password learns the user's privilege limit.
        int level = s.requestedRole & 0x0F;
        if (level > s.maxPrivilege) {
            Logger.info("IPMI login refused for '{}': privilege {} is above the user's {}", s.user, level, s.maxPrivilege);
            fail(ctx, p, s, RmcpPacket.V20.RAKP_4, tag, INVALID_ROLE);
            return;
        }
        if (level != 0) {
            s.maxPrivilege = level;
        }
        byte[] sik = SessionKeys.hmac(s.suite, s.key, s.consoleRandom, s.bmcRandom, roleAndName);
        s.keys = new SessionKeys(s.suite, sik);
        s.inbound = new SequenceWindow(0);
        s.privilege(Math.min(IpmiSession.USER, s.maxPrivilege));
        sessions.activate(s);
        s.touch();
        byte[] icv = Arrays.copyOf(SessionKeys.hmac(s.suite, sik, s.consoleRandom, le32(s.bmcId), guid), s.suite.rakp4Length);
        ByteBuffer r = le(8 + icv.length);
        r.put((byte) tag).put((byte) STATUS_OK).putShort((short) 0).putInt(s.consoleId).put(icv);
        Logger.info("IPMI session for '{}' from {} (cipher suite {})", s.user, p.peer().getAddress().getHostAddress(), s.suite.id);
        reply(ctx, p, RmcpPacket.V20.RAKP_4, r.array());
    }

    /** A name as sent, safe for one log line. */
    static String printable(String name) {
        return name.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
    }

    private void fail(ChannelHandlerContext ctx, RmcpPacket.V20 p, IpmiSession s, int type, int tag, int status) {
        sessions.close(s);
        reply(ctx, p, type, error(tag, status, s.consoleId));
    }

    private static byte[] error(int tag, int status, int consoleId) {
        return le(8).put((byte) tag).put((byte) status).putShort((short) 0).putInt(consoleId).array();
    }

    private static void reply(ChannelHandlerContext ctx, RmcpPacket.V20 p, int type, byte[] payload) {
        ctx.writeAndFlush(RmcpPacket.V20.plain(p.peer(), type, payload));
    }
}
