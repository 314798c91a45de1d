package org.passkvm.ipmi;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.passkvm.power.PowerControl;
import org.passkvm.web.auth.LoginLimiter;
import org.tinylog.Logger;

/**
 * IPMI over LAN on one UDP port, through an {@link IpmiPipeline}. One event-loop thread is plenty:
 * a BMC sees a handful of packets a second.
 */
public final class IpmiServer implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
        Thread t = new Thread(r, "ipmi");
        t.setDaemon(true);
        return t;
    }, NioIoHandler.newFactory());
    private final IpmiSessions sessions;
    private final Channel channel;

    /**
     * @param guid the 16-byte system GUID that RAKP binds into its codes
     * @param limiter the web server's login limiter: IPMI guesses lock the same sources out as console guesses
     */
    public IpmiServer(String bind, int port, PowerControl power, IpmiUsers users, byte[] guid, Duration sessionTimeout,
            int maxSessions, LoginLimiter limiter) throws InterruptedException {
        this.sessions = new IpmiSessions(maxSessions, sessionTimeout, Clock.systemUTC());
        // Room for a few hundred ms of datagrams: when the event loop waits for a CPU under a flood, the kernel
        // queues rather than drops a real console's packets (capped by net.core.rmem_max).
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(io.netty.channel.ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(new IpmiPipeline(sessions, users, guid, power, limiter, Clock.systemUTC()));
        try {
            this.channel = b.bind(new InetSocketAddress(bind, port)).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        group.scheduleAtFixedRate(sessions::expire, 5, 5, TimeUnit.SECONDS);
        Logger.info("IPMI over LAN on udp/{}", port());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Sessions in the table, including half-made ones (health and tests). */
    public int sessions() {
        return sessions.size();
    }

    /** The user's access was revoked: their sessions end now; the next command gets "invalid session". */
    public void endSessionsOf(String user) {
        sessions.endAllOf(user);
    }

    public int activeSessions() {
        return sessions.active();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
