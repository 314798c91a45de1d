package org.passkvm.vnc;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.web.Role;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.Typist;
import org.passkvm.power.PowerControl;
import org.passkvm.web.tls.DeviceCertificate;
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
    record Shared(Screens feed, HidInput input, Typist typist, Keysyms keysyms, PowerControl power, Logins logins,
            Accounts accounts, SslContext tls, LoginLimiter limiter, String name, Map<Channel, String> users, Leds leds) {
        /** Without the keyboard's LEDs (they stay off). */
        Shared(Screens feed, HidInput input, Typist typist, Keysyms keysyms, PowerControl power, Logins logins,
                Accounts accounts, SslContext tls, LoginLimiter limiter, String name, Map<Channel, String> users) {
            this(feed, input, typist, keysyms, power, logins, accounts, tls, limiter, name, users, new Leds());
        }

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

    /** A PassKVM account's name and password (VeNCrypt Plain). */
    interface Accounts {
        java.util.Optional<VncPasswords.Login> check(String user, String password);
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
    /** In-process connections for users the web login proved (the noVNC WebSocket, {@link VncWebSocket}). */
    private final EventLoopGroup localGroup = new MultiThreadIoEventLoopGroup(1, r -> {
        Thread t = new Thread(r, "vnc-web");
        t.setDaemon(true);
        return t;
    }, LocalIoHandler.newFactory());
    private final Map<LocalAddress, VncPasswords.Login> proven = new ConcurrentHashMap<>();
    private final AtomicLong provenCount = new AtomicLong();
    private final Channel local;

    /** Where and how many: the TCP address, the most connections at once, the desktop name viewers show. */
    public record Listen(String bind, int port, int maxClients, String name) {}

    /**
     * The target as VNC reaches it: its picture, and (each null when that part is off) its keyboard and mouse, the
     * typist for clipboards, and its power buttons for xvp.
     */
    public record Target(VideoStream stream, HidInput input, Typist typist, Layout layout, PowerControl power) {}

    /**
     * @param accounts PassKVM's accounts, for VeNCrypt Plain
     * @param tls the device's certificate and key (VeNCrypt); null offers VNC authentication only
     */
    public VncServer(Listen listen, Target target, VncPasswords passwords, org.passkvm.web.auth.Accounts accounts,
            KeyStore tls, LoginLimiter limiter) throws InterruptedException {
        String bind = listen.bind();
        int port = listen.port();
        int maxClients = listen.maxClients();
        this.feed = new ScreenFeed(target.stream());
        Shared shared = new Shared(feed, target.input(), target.typist(), new Keysyms(target.layout()), target.power(),
                passwords::match, (user, password) -> accounts
                .authenticate(user, password)
                // Plain has no room for a second factor: TOTP users log in with their VNC password.
                .filter(u -> !u.mustChangePassword() && u.totpSecret() == null)
                .map(u -> new VncPasswords.Login(u.name(), u.role())), tls == null ? null : sslContext(tls), limiter,
                listen.name(), users, Leds.of(target.input()));
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
            localGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.local = new ServerBootstrap().group(localGroup).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        VncPasswords.Login login = proven.remove(ch.remoteAddress());
                        if (login == null || open.size() >= maxClients) {
                            Logger.warn("VNC: refusing a web connection{}", login == null ? "" : ": " + maxClients + " clients already");
                            ch.close();
                            return;
                        }
                        open.put(ch, true);
                        ch.closeFuture().addListener(f -> open.remove(ch));
                        ch.pipeline().addLast(new RfbDecoder(true), new VncSession(shared, login));
                    }
                }).bind(LocalAddress.ANY).sync().channel();
        Logger.info("VNC on tcp/{}", port());
    }

    /**
     * TLS 1.2 only: TigerVNC 1.12 stalls after a TLS 1.3 handshake whose server sends session tickets, and 1.2 with
     * ECDHE suites is what every VeNCrypt viewer speaks.
     */
    private static SslContext sslContext(KeyStore keys) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, DeviceCertificate.STORE_PASSWORD);
            return SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).protocols("TLSv1.2").build();
        } catch (GeneralSecurityException | SSLException e) {
            throw new IllegalStateException("the device certificate cannot serve VeNCrypt: " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Connects {@code client} (a handler on an in-process channel) to a session for a user the web login proved: RFB
     * offers security type None and the user's role decides, as after a VNC login. The client's channel carries the
     * RFB byte stream both ways; closing either end ends the session.
     */
    ChannelFuture connectProven(String user, Role role, ChannelHandler client) {
        LocalAddress from = new LocalAddress("vnc-web-" + provenCount.incrementAndGet());
        proven.put(from, new VncPasswords.Login(user, role));
        return new Bootstrap().group(localGroup).channel(LocalChannel.class).handler(client)
                .connect(local.localAddress(), from).addListener(f -> proven.remove(from));
    }

    /** Offers Open H.264 to clients that ask for it, made of the web console's H.264 stream. */
    public void offerH264(org.passkvm.video.stream.H264Stream stream) {
        feed.h264(stream);
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
        local.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        open.keySet().forEach(Channel::close); // viewers see the server go, not a connection that hangs
        feed.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        localGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
