package org.passkvm.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.websocket.WsBinaryMessageHandler;
import io.javalin.websocket.WsCloseHandler;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsConnectHandler;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsErrorHandler;
import io.javalin.websocket.WsMessageHandler;
import io.javalin.websocket.WsUpgradeLogger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.passkvm.web.auth.AuthGate;
import org.passkvm.web.auth.Principal;
import org.passkvm.web.auth.Revocations;

/**
 * The one way to add a route. Every route names the least role it needs, and the gate runs
 * before its handler; there is no other path into the Javalin app, so no route can forget it.
 * Javalin 7 takes routes only while the app is configured, so they are collected here and installed into
 * {@code config.routes} when the server starts ({@link #install}); a route added after that is refused.
 * Routes that outlive their request (WebSockets, streams) hold a lease on their caller's access and
 * close when it is revoked; request bodies are bounded unless a route streams its body on purpose.
 */
public final class Api {

    /** A long response (a video stream) that runs until its client leaves or its lease is revoked. */
    @FunctionalInterface
    public interface StreamHandler {
        void handle(Context ctx, Revocations.Lease lease) throws Exception;
    }

    private static final String EPOCH = "passkvm.revocation-epoch";
    private static final String LEASE = "passkvm.lease";

    private final List<Consumer<RoutesConfig>> registrations = new ArrayList<>();
    private boolean installed;
    private final AuthGate gate;
    private final Revocations revocations;
    private final BodyLimit bodyLimit;
    private final List<Route> routes = new ArrayList<>();

    Api(AuthGate gate, Revocations revocations, BodyLimit bodyLimit) {
        this.gate = gate;
        this.revocations = revocations;
        this.bodyLimit = bodyLimit;
    }

    /** Also answers HEAD through the same gate and handler (Jetty drops the body), so HEAD tells nobody more than GET. */
    public void get(String path, Role role, Handler handler) {
        Handler gated = ctx -> {
            gate.check(ctx, role, false);
            handler.handle(ctx);
        };
        add("GET", path, role, app -> {
            app.get(path, gated);
            app.head(path, gated);
        });
    }

    public void post(String path, Role role, Handler handler) {
        add("POST", path, role, app -> app.post(path, guarded(role, handler)));
    }

    public void put(String path, Role role, Handler handler) {
        add("PUT", path, role, app -> app.put(path, guarded(role, handler)));
    }

    /**
     * A PUT whose body the handler streams itself (image uploads): exempt from the request body limit, and, like a
     * {@link #stream}, cut off when its caller's access is revoked.
     */
    public void upload(String path, Role role, Handler handler) {
        add("PUT", path, role, app -> app.put(path, leased(role, true, (ctx, lease) -> handler.handle(ctx))));
        bodyLimit.exempt(new Route("PUT", path, role));
    }

    public void patch(String path, Role role, Handler handler) {
        add("PATCH", path, role, app -> app.patch(path, guarded(role, handler)));
    }

    public void delete(String path, Role role, Handler handler) {
        add("DELETE", path, role, app -> app.delete(path, guarded(role, handler)));
    }

    /**
     * A GET that streams until the client leaves: the handler loops while {@code lease.isOpen()}. A revocation
     * interrupts its thread and aborts the connection, so even a write blocked on a stalled client ends.
     */
    public void stream(String path, Role role, StreamHandler handler) {
        add("GET", path, role, app -> {
            app.get(path, leased(role, false, handler));
            app.head(path, ctx -> gate.check(ctx, role, false)); // the gate's answer, without starting a stream
        });
    }

    private Handler leased(Role role, boolean changesState, StreamHandler handler) {
        return ctx -> {
            long since = revocations.epoch();
            gate.check(ctx, role, changesState);
            Thread thread = Thread.currentThread();
            ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
            ServletChannel channel = request == null ? null : request.getServletChannel();
            Object lock = new Object();
            boolean[] done = {false};
            try (Revocations.Lease lease = revocations.lease(ctx.attribute(AuthGate.PRINCIPAL), role, since, () -> {
                synchronized (lock) {
                    if (!done[0]) {
                        thread.interrupt();
                        if (channel != null) {
                            // Jetty 11's HttpChannel.abort: fail the response and cut the connection under it.
                            IllegalStateException revoked = new IllegalStateException("access revoked");
                            channel.abort(revoked);
                            EndPoint endPoint = channel.getEndPoint();
                            if (endPoint != null) {
                                endPoint.close(revoked);
                            }
                        }
                    }
                }
            })) {
                if (lease.isOpen()) {
                    handler.handle(ctx, lease);
                }
            } finally {
                synchronized (lock) {
                    done[0] = true;
                    Thread.interrupted(); // a revocation's interrupt must not leak into the pooled thread's next request
                }
            }
        };
    }

    /**
     * A WebSocket; the upgrade request passes the gate, including the Origin check. Once its caller's access is
     * revoked the socket takes no further message and is closed with 4001.
     */
    public void ws(String path, Role role, Consumer<WsConfig> ws) {
        add("WS", path, role, app -> {
            app.wsBeforeUpgrade(path, ctx -> {
                ctx.attribute(EPOCH, revocations.epoch());
                gate.check(ctx, role, true);
            });
            app.ws(path, cfg -> ws.accept(new Leased(cfg, role)));
        });
    }

    public List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }

    private Handler guarded(Role role, Handler handler) {
        return ctx -> {
            gate.check(ctx, role, true);
            handler.handle(ctx);
        };
    }

    private synchronized void add(String method, String path, Role role, Consumer<RoutesConfig> registration) {
        if (installed) {
            throw new IllegalStateException("routes are fixed once the server has started: " + method + " " + path);
        }
        routes.add(new Route(method, path, role));
        registrations.add(registration);
    }

    /** Hands every route added so far to the app being configured; called once, when the server starts. */
    synchronized void install(RoutesConfig app) {
        if (installed) {
            throw new IllegalStateException("routes were installed already");
        }
        installed = true;
        registrations.forEach(r -> r.accept(app));
    }

    /** The route's own socket handlers, wrapped so that a revoked lease stops them. */
    private final class Leased extends WsConfig {
        private final WsConfig target;
        private final Role role;
        private WsConnectHandler connect = ctx -> {};
        private WsCloseHandler close = ctx -> {};
        private WsErrorHandler error = ctx -> {};

        Leased(WsConfig target, Role role) {
            this.target = target;
            this.role = role;
            target.onConnect(this::connected);
            target.onClose(ctx -> {
                end(ctx);
                close.handleClose(ctx);
            });
            target.onError(ctx -> {
                end(ctx);
                error.handleError(ctx);
            });
        }

        private void connected(WsConnectContext ctx) throws Exception {
            Principal p = ctx.attribute(AuthGate.PRINCIPAL);
            Long since = ctx.attribute(EPOCH);
            Revocations.Lease lease = revocations.lease(p, role, since == null ? Long.MIN_VALUE : since, () -> {
                ctx.closeSession(4001, "access ended");
                // A client that never answers the close would hold the socket (and its keys) until the idle timeout.
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> {
                    if (ctx.session.isOpen()) {
                        ctx.session.disconnect();
                    }
                });
            });
            ctx.attribute(LEASE, lease);
            if (lease.isOpen()) {
                connect.handleConnect(ctx);
            }
        }

        private void end(WsContext ctx) {
            Revocations.Lease lease = ctx.attribute(LEASE);
            if (lease != null) {
                lease.close();
            }
        }

        private boolean open(WsContext ctx) {
            Revocations.Lease lease = ctx.attribute(LEASE);
            return lease != null && lease.isOpen();
        }

        @Override
        public void onConnect(WsConnectHandler handler) {
            connect = handler;
        }

        @Override
        public void onMessage(WsMessageHandler handler) {
            target.onMessage(ctx -> {
                if (open(ctx)) {
                    handler.handleMessage(ctx);
                }
            });
        }

        @Override
        public void onBinaryMessage(WsBinaryMessageHandler handler) {
            target.onBinaryMessage(ctx -> {
                if (open(ctx)) {
                    handler.handleBinaryMessage(ctx);
                }
            });
        }

        @Override
        public void onClose(WsCloseHandler handler) {
            close = handler;
        }

        @Override
        public void onError(WsErrorHandler handler) {
            error = handler;
        }

        @Override
        public void onUpgrade(WsUpgradeLogger logger) {
            target.onUpgrade(logger);
        }
    }
}
