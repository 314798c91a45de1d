package org.passkvm.vnc;

import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.passkvm.web.Api;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.AuthGate;
import org.passkvm.web.auth.Principal;
import org.tinylog.Logger;

/**
 * {@code /api/vnc/ws}: RFB inside binary WebSocket messages, for noVNC (and any viewer that speaks RFB over a
 * WebSocket). The upgrade passes the web login like the console's sockets (session cookie, same origin), so RFB itself
 * offers security type None here and nowhere else, and the logged-in user's role decides: viewers see, operators and
 * admins also type and point. A revocation (logout, demotion, deletion) closes the socket as it closes the others.
 */
public final class VncWebSocket implements WebModule {

    public static final String PATH = "/api/vnc/ws";

    /** Bytes handed to the WebSocket and not yet sent, past which the session's output waits for the socket. */
    private static final long HIGH_WATER = 2 * 1024 * 1024;

    private final java.util.function.Supplier<VncServer> server;
    private final Map<WsContext, Channel> channels = new ConcurrentHashMap<>();

    /** @param server the VNC server, or null while it starts (the socket then closes, saying so) */
    public VncWebSocket(java.util.function.Supplier<VncServer> server) {
        this.server = server;
    }

    @Override
    public void register(Api api) {
        api.ws(PATH, Role.VIEWER, this::configure);
    }

    private void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            // A still screen sends nothing either way for as long as it is still: that is no reason to hang up.
            ctx.session.setIdleTimeout(Duration.ZERO);
            Principal p = ctx.attribute(AuthGate.PRINCIPAL);
            VncServer vnc = server.get();
            if (vnc == null) {
                ctx.closeSession(1013, "VNC is starting: try again in a moment");
                return;
            }
            ChannelFuture connected = vnc.connectProven(p.user(), p.role(), new ToBrowser(ctx));
            if (!connected.awaitUninterruptibly(5, TimeUnit.SECONDS) || !connected.isSuccess()) {
                ctx.closeSession(1011, "VNC is not available");
                return;
            }
            Channel ch = connected.channel();
            channels.put(ctx, ch);
            ch.closeFuture().addListener(f -> {
                channels.remove(ctx);
                if (ctx.session.isOpen()) {
                    ctx.closeSession(1000, "VNC session ended");
                }
            });
        });
        ws.onBinaryMessage(ctx -> {
            Channel ch = channels.get(ctx);
            if (ch != null) {
                ch.writeAndFlush(Unpooled.copiedBuffer(ctx.data()));
            }
        });
        ws.onMessage(ctx -> ctx.closeSession(1003, "RFB travels in binary messages"));
        ws.onClose(this::gone);
        ws.onError(this::gone);
    }

    private void gone(WsContext ctx) {
        Channel ch = channels.remove(ctx);
        if (ch != null) {
            ch.close(); // the session releases the keys and buttons it held
        }
    }

    /** What the session sends, as binary messages; a socket that falls behind stops the session's output. */
    private static final class ToBrowser extends ChannelInboundHandlerAdapter {
        private final WsContext ws;
        private final AtomicLong unsent = new AtomicLong();

        ToBrowser(WsContext ws) {
            this.ws = ws;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes;
            try {
                bytes = ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
            if (!ws.session.isOpen()) {
                return;
            }
            if (unsent.addAndGet(bytes.length) > HIGH_WATER) {
                ctx.channel().config().setAutoRead(false);
            }
            ws.session.sendBinary(ByteBuffer.wrap(bytes), Callback.from(() -> sent(ctx, bytes.length), e -> {
                sent(ctx, bytes.length);
                Logger.debug("VNC WebSocket send failed: {}", e.getMessage());
            }));
        }

        private void sent(ChannelHandlerContext ctx, int length) {
            if (unsent.addAndGet(-length) <= HIGH_WATER / 2 && !ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Logger.info("VNC WebSocket: {}", cause.getMessage());
            ctx.close();
        }
    }
}
