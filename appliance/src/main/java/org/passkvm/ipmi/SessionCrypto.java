package org.passkvm.ipmi;

import static org.passkvm.ipmi.LittleEndian.le32;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.tinylog.Logger;

/**
 * The one place session keys are used, in both directions, so everything after it handles only
 * plaintext. Inbound, it finds an IPMI message's session, checks its integrity code (HMAC for
 * RMCP+, MD5 for IPMI 1.5) and its sequence number against the replay window, decrypts it and hands
 * on an {@link IpmiRequest}. Outbound, it turns an {@link IpmiResponse} into a packet framed the way
 * its request came: numbered, encrypted and signed with the same session's keys. Packets that fail
 * any check are dropped unanswered, as the spec asks. The RMCP+ handshake's payloads carry no
 * session security yet and pass through untouched.
 */
final class SessionCrypto extends ChannelDuplexHandler {

    private final IpmiSessions sessions;

    SessionCrypto(IpmiSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        IpmiRequest request;
        if (msg instanceof RmcpPacket.V15 p) {
            request = open(p);
        } else if (msg instanceof RmcpPacket.V20 p && p.payloadType() == RmcpPacket.V20.IPMI) {
            request = open(p);
        } else {
            ctx.fireChannelRead(msg);
            return;
        }
        if (request != null) {
            ctx.fireChannelRead(request);
        }
    }

    private IpmiRequest open(RmcpPacket.V15 p) {
        if (p.sessionId() == 0) {
            return p.authType() == RmcpPacket.V15.AUTH_NONE ? IpmiRequest.parse(p, null, p.message())
                    : drop(p, "session-less with an auth code");
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

    private IpmiRequest open(RmcpPacket.V20 p) {
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
        if (msg instanceof IpmiResponse r) {
            ctx.write(seal(r), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private static RmcpPacket seal(IpmiResponse r) {
        IpmiRequest q = r.request();
        IpmiSession s = q.session();
        byte[] m = r.message();
        if (q.via() instanceof RmcpPacket.V15 in) {
            if (s == null) {
                return new RmcpPacket.V15(in.peer(), RmcpPacket.V15.AUTH_NONE, 0, 0, null, m);
            }
            // Packets before activation carry sequence 0; after it, the console's chosen numbering.
            long seq = in.sequence() == 0 ? 0 : s.nextOutbound();
            return new RmcpPacket.V15(in.peer(), s.authType, seq, s.bmcId, md5(s, s.bmcId, m, seq), m);
        }
        RmcpPacket.V20 in = (RmcpPacket.V20) q.via();
        if (s == null) {
            return RmcpPacket.V20.plain(in.peer(), RmcpPacket.V20.IPMI, m);
        }
        RmcpPacket.V20 unsigned = new RmcpPacket.V20(in.peer(), RmcpPacket.V20.IPMI, true, true, s.consoleId,
                s.nextOutbound(), s.keys.encrypt(m), null, null);
        return unsigned.withAuthCode(s.keys.sign(RmcpCodec.signedPart(unsigned)));
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
