package org.passkvm.vnc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.passkvm.hid.HidInput;
import org.passkvm.video.stream.VideoStream;
import org.passkvm.web.auth.LoginLimiter;
import org.tinylog.Logger;

/**
 * VNC on one TCP port: per connection the RFB decoder, then the session. The screen is the web console's capture,
 * decoded once for all clients; input goes to the same HID as the console's. A client that has not logged in within
 * {@link #LOGIN_TIMEOUT_SECONDS} is dropped, and at most {@code maxClients} are served at once.
 */
public final class VncServer implements AutoCloseable {

    static final int LOGIN_TIMEOUT_SECONDS = 30;

    /** What every session of this server works with. {@code input} is null when HID is off. */
    record Shared(Screens feed, HidInput input, Keysyms keysyms, Logins logins, LoginLimiter limiter, String name,
            Map<Channel, String> users) {
        void loggedIn(Channel channel, String user) {
            users.put(channel, user);
            if (channel.pipeline().get(ReadTimeoutHandler.class) != null) {
                channel.pipeline().remove(ReadTimeoutHandler.class);
            }
        }

        void loggedOut(Channel channel) {
            users.remove(channel);
        }
    }

    /** Whose VNC password answers a challenge ({@link VncPasswords}). */
    interface Logins {
        java.util.Optional<VncPasswords.Login> match(byte[] challenge, byte[] response);
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
        Thread t = new Thread(r, "vnc");
        t.setDaemon(true);
        return t;
    }, NioIoHandler.newFactory());
    private final Map<Channel, String> users = new ConcurrentHashMap<>();
    private final Map<Channel, Boolean> open = new ConcurrentHashMap<>();
    private final ScreenFeed feed;
    private final Channel channel;

    public VncServer(String bind, int port, VideoStream stream, HidInput input, org.passkvm.hid.keymap.Layout layout,
            VncPasswords passwords, LoginLimiter limiter, String name, int maxClients) throws InterruptedException {
        this.feed = new ScreenFeed(stream);
        Shared shared = new Shared(feed, input, new Keysyms(layout), passwords::match, limiter, name, users);
        passwords.onChange(this::endSessionsOf);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Past the high mark a client is "not writable" and skips frames until it drained.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.size() >= maxClients) {
                            Logger.warn("VNC: refusing {}: {} clients already", ch.remoteAddress(), maxClients);
                            ch.close();
                            return;
                        }
                        open.put(ch, true);
                        ch.closeFuture().addListener(f -> open.remove(ch));
                        ch.pipeline().addLast(new ReadTimeoutHandler(LOGIN_TIMEOUT_SECONDS), new RfbDecoder(),
                                new VncSession(shared));
                    }
                });
        try {
            this.channel = b.bind(new InetSocketAddress(bind, port)).sync().channel();
        } catch (Exception e) { // Netty throws a BindException it does not declare
            feed.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        Logger.info("VNC on tcp/{}", port());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Logged-in clients. */
    public int clients() {
        return users.size();
    }

    /** The user's access ended (revoked, VNC password replaced): their VNC connections close now. */
    public void endSessionsOf(String user) {
        users.forEach((ch, u) -> {
            if (u.equals(user)) {
                ch.close();
            }
        });
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        feed.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
