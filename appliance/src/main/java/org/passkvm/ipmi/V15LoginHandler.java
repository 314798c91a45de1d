package org.passkvm.ipmi;

import static org.passkvm.ipmi.LittleEndian.le32;
import static org.passkvm.ipmi.LittleEndian.le;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.passkvm.web.auth.LoginLimiter;
import org.tinylog.Logger;

/**
 * The IPMI 1.5 login (22.15, 22.16, 22.17): Get Session Challenge hands out a temporary session
 * and a random challenge; Activate Session, signed with MD5 over the password, returns it and gets
 * the session going. Only MD5 is offered: "none" and "straight password" would put the password or
 * nothing at all on the wire.
 */
final class V15LoginHandler extends ChannelInboundHandlerAdapter {

    static final int GET_SESSION_CHALLENGE = 0x39;
    static final int ACTIVATE_SESSION = 0x3A;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final IpmiSessions sessions;
    private final IpmiUsers users;

    private final LoginLimiter limiter;

    V15LoginHandler(IpmiSessions sessions, IpmiUsers users, LoginLimiter limiter) {
        this.limiter = limiter;
        this.sessions = sessions;
        this.users = users;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof IpmiRequest q && q.netFn() == IpmiRequest.NETFN_APP && q.via() instanceof RmcpPacket.V15) {
            if (q.command() == GET_SESSION_CHALLENGE) {
                ctx.writeAndFlush(challenge(q));
                return;
            }
            if (q.command() == ACTIVATE_SESSION) {
                ctx.writeAndFlush(activate(q));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private IpmiResponse challenge(IpmiRequest q) {
        byte[] d = q.data();
        if (d.length != 17) {
            return q.reply(IpmiResponse.REQUEST_DATA_LENGTH_INVALID);
        }
        if ((d[0] & 0x0F) != RmcpPacket.V15.AUTH_MD5) {
            return q.reply(IpmiResponse.INVALID_DATA_FIELD);
        }
        int end = 1;
        while (end < 17 && d[end] != 0) {
            end++;
        }
        String name = new String(d, 1, end - 1, java.nio.charset.StandardCharsets.UTF_8);
        if (name.isEmpty()) {
            return q.reply(0x82); // null user names disabled: a policy, the same for everyone
        }
        String source = q.via().peer().getAddress().getHostAddress();
        if (!limiter.retryAfter(source, name).isZero()) {
            Logger.info("IPMI 1.5 login for '{}' from {} refused: too many failed logins", RakpHandler.printable(name), source);
            return q.reply(IpmiResponse.NODE_BUSY);
        }
        // A name that may not log in gets a decoy key: its challenge looks like anyone's, and Activate Session fails.
        IpmiUsers.Login login = users.loginOrDecoy(name);
        var opened = sessions.open(q.via().peer(), 0, null, false, IpmiSession.Stage.CHALLENGED);
        if (opened.isEmpty()) {
            return q.reply(IpmiResponse.NODE_BUSY);
        }
        IpmiSession s = opened.get();
        s.user = name;
        s.realUser = login.real();
        s.key = Arrays.copyOf(login.key(), 16);
        s.maxPrivilege = login.maxPrivilege();
        s.authType = RmcpPacket.V15.AUTH_MD5;
        s.challenge = new byte[16];
        RANDOM.nextBytes(s.challenge);
        s.loginPending(); // until Activate Session proves the password, this is a guess
        ByteBuffer r = le(20).putInt(s.bmcId).put(s.challenge);
        return q.reply(IpmiResponse.OK, r.array());
    }

    private IpmiResponse activate(IpmiRequest q) {
        IpmiSession s = q.session();
        byte[] d = q.data();
        if (s == null || s.stage() != IpmiSession.Stage.CHALLENGED) {
            return q.reply(0x85); // invalid session ID in request
        }
        if (d.length != 22) {
            return q.reply(IpmiResponse.REQUEST_DATA_LENGTH_INVALID);
        }
        if (!MessageDigest.isEqual(Arrays.copyOfRange(d, 2, 18), s.challenge) || !s.realUser) {
            sessions.close(s);
            return q.reply(IpmiResponse.INVALID_DATA_FIELD);
        }
        // SessionCrypto checked the MD5 code with the user's key: the password is proven.
        s.settleLogin();
        limiter.succeeded(q.via().peer().getAddress().getHostAddress(), s.user);
        int level = d[1] & 0x0F;
        if (level < IpmiSession.CALLBACK || level > s.maxPrivilege) {
            sessions.close(s);
            return q.reply(0x86); // requested maximum privilege level exceeds user and/or channel limit
        }
        long outboundStart = le32(d, 18) & 0xFFFFFFFFL;
        long inboundStart = (RANDOM.nextInt() & 0x7FFFFFFF) | 1;
        s.maxPrivilege = level;
        s.privilege(Math.min(IpmiSession.USER, level));
        s.startOutboundAt(outboundStart == 0 ? 1 : outboundStart);
        s.inbound = new SequenceWindow(inboundStart - 1);
        s.challenge = null;
        sessions.activate(s);
        Logger.info("IPMI 1.5 session for '{}' from {}", s.user, q.via().peer().getAddress().getHostAddress());
        ByteBuffer r = le(10);
        r.put((byte) s.authType).putInt(s.bmcId).putInt((int) inboundStart).put((byte) level);
        return q.reply(IpmiResponse.OK, r.array());
    }
}
