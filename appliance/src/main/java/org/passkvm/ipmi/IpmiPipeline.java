package org.passkvm.ipmi;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.passkvm.power.PowerControl;
import org.passkvm.web.auth.LoginLimiter;

/**
 * The IPMI pipeline in three layers: the codec (framing, no keys), a per-source throttle on
 * session-less packets, the session crypto (the only stage that sees ciphertext or keys), then the
 * logic on plaintext: the RMCP+ handshake, the IPMI 1.5 login and the command handlers, the last of
 * which answers everything unknown. The server puts it on its UDP channel; tests put it on an
 * {@code EmbeddedChannel}.
 */
final class IpmiPipeline extends ChannelInitializer<Channel> {

    private final IpmiSessions sessions;
    private final IpmiUsers users;
    private final byte[] guid;
    private final PowerControl power;
    private final LoginLimiter limiter;

    private final java.time.Clock clock;

    IpmiPipeline(IpmiSessions sessions, IpmiUsers users, byte[] guid, PowerControl power, LoginLimiter limiter,
            java.time.Clock clock) {
        this.clock = clock;
        this.sessions = sessions;
        this.users = users;
        this.guid = guid;
        this.power = power;
        this.limiter = limiter;
        // A handshake that handed out a proof and never logged in is a failed login for the limiter.
        sessions.onAbandoned(s -> limiter.failed(s.peer.getAddress().getHostAddress(), s.user));
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("rmcp", new RmcpCodec())
                .addLast("throttle", new HandshakeThrottle(clock))
                .addLast("session-crypto", new SessionCrypto(sessions))
                .addLast("asf-ping", new PresencePingHandler())
                .addLast("rakp", new RakpHandler(sessions, users, guid, limiter))
                .addLast("v15-login", new V15LoginHandler(sessions, users, limiter))
                .addLast("app", new AppCommandHandler(sessions, guid))
                .addLast("chassis", new ChassisCommandHandler(power))
                .addLast("unsupported", new UnsupportedCommandHandler());
    }
}
