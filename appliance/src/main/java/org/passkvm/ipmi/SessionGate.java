package org.passkvm.ipmi;

import static org.passkvm.ipmi.LittleEndian.le32;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.tinylog.Logger;

/**
 * Between the framing and the commands: inbound, it finds a packet's session, checks its integrity
 * code (HMAC or MD5), its sequence number against the replay window, decrypts it and hands on an
 * {@link IpmiRequest}; outbound, it frames an {@link IpmiResponse} the way its request came, with
 * the session's keys. Packets that fail any check are dropped unanswered, as the spec asks.
 */
final class SessionGate extends ChannelDuplexHandler {

    static final int AUTH_NONE = 0x00;
    static final int AUTH_MD5 = 0x02;

    private final IpmiSessions sessions;

    SessionGate(IpmiSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        IpmiRequest request = null;
        if (msg instanceof RmcpPacket.V15 p) {
            request = v15(p);
        } else if (msg instanceof RmcpPacket.V20 p && p.payloadType() == RmcpPacket.V20.IPMI) {
            request = v20(p);
        } else {
            ctx.fireChannelRead(msg);
            return;
        }
        if (request != null) {
            ctx.fireChannelRead(request);
        }
    }

    private IpmiRequest v15(RmcpPacket.V15 p) {
        if (p.sessionId() == 0) {
            return p.authType() == AUTH_NONE ? IpmiRequest.parse(p, null, p.message()) : drop(p, "session-less with an auth code");
        }
        IpmiSession s = sessions.find(p.sessionId(), p.peer()).filter(x -> !x.rmcpPlus).orElse(null);
        if (s == null) {
            return drop(p, "unknown IPMI 1.5 session");
        }
        if (p.authType() != s.authType || !MessageDigest.isEqual(md5(s, p.sessionId(), p.message(), p.sequence()), p.authCode())) {
            if (s.stage() == IpmiSession.Stage.CHALLENGED) {
                sessions.close(s); // Activate Session signed with a wrong password: a failed login, counted now
            }
            return drop(p, "wrong MD5 auth code");
        }
        if (s.stage() == IpmiSession.Stage.ACTIVE && !s.inbound.accept(p.sequence())) {
            return drop(p, "sequence number " + p.sequence() + " replayed or out of window");
        }
        s.touch();
        return IpmiRequest.parse(p, s, p.message());
    }

    private IpmiRequest v20(RmcpPacket.V20 p) {
        if (p.sessionId() == 0) {
            return !p.authenticated() && !p.encrypted() ? IpmiRequest.parse(p, null, p.payload()) : drop(p, "session 0 with security");
        }
        IpmiSession s = sessions.find(p.sessionId(), p.peer())
                .filter(x -> x.rmcpPlus && x.stage() == IpmiSession.Stage.ACTIVE).orElse(null);
        if (s == null) {
            return drop(p, "unknown RMCP+ session");
        }
        // The session negotiated integrity and AES: a packet without them is a downgrade attempt.
        if (!p.authenticated() || !p.encrypted() || !s.keys.verify(p.signed(), p.authCode())) {
            return drop(p, "integrity check failed");
        }
        if (!s.inbound.accept(p.sequence())) {
            return drop(p, "sequence number " + p.sequence() + " replayed or out of window");
        }
        byte[] plain = s.keys.decrypt(p.payload());
        if (plain == null) {
            return drop(p, "undecryptable payload");
        }
        s.touch();
        return IpmiRequest.parse(p, s, plain);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof IpmiResponse r)) {
            ctx.write(msg, promise);
            return;
        }
        IpmiRequest q = r.request();
        IpmiSession s = q.session();
        byte[] m = r.message();
        RmcpPacket out;
        if (q.via() instanceof RmcpPacket.V15 in) {
            if (s == null) {
                out = new RmcpPacket.V15(in.peer(), AUTH_NONE, 0, 0, null, m);
            } else {
                // Packets before activation carry sequence 0; after it, the console's chosen numbering.
                long seq = in.sequence() == 0 ? 0 : s.nextOutbound();
                out = new RmcpPacket.V15(in.peer(), s.authType, seq, s.bmcId, md5(s, s.bmcId, m, seq), m);
            }
        } else {
            RmcpPacket.V20 in = (RmcpPacket.V20) q.via();
            out = s == null ? RmcpPacket.V20.plain(in.peer(), RmcpPacket.V20.IPMI, m)
                    : new RmcpPacket.V20(in.peer(), RmcpPacket.V20.IPMI, true, true, s.consoleId, s.nextOutbound(), m, null,
                            null, s.keys);
        }
        ctx.write(out, promise);
    }

    /** IPMI 1.5 MD5 auth code (22.17.1): MD5(password, session ID, message, sequence, password). */
    static byte[] md5(IpmiSession s, int sessionId, byte[] message, long seq) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(s.key);
            md.update(le32(sessionId));
            md.update(message);
            md.update(le32((int) seq));
            md.update(s.key);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IpmiRequest drop(RmcpPacket p, String why) {
        Logger.debug("Dropped IPMI packet from {}: {}", p.peer(), why);
        return null;
    }
}
