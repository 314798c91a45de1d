package org.passkvm.web;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.websocket.WsConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.passkvm.web.auth.AuthGate;

/**
 * The one way to add a route. Every route names the least role it needs, and the gate runs
 * before its handler; there is no other path into the Javalin app, so no route can forget it.
 */
public final class Api {

    private final Javalin app;
    private final AuthGate gate;
    private final List<Route> routes = new ArrayList<>();

    Api(Javalin app, AuthGate gate) {
        this.app = app;
        this.gate = gate;
    }

    public void get(String path, Role role, Handler handler) {
        add("GET", path, role);
        app.get(path, ctx -> {
            gate.check(ctx, role, false);
            handler.handle(ctx);
        });
    }

    public void post(String path, Role role, Handler handler) {
        add("POST", path, role);
        app.post(path, guarded(role, handler));
    }

    public void put(String path, Role role, Handler handler) {
        add("PUT", path, role);
        app.put(path, guarded(role, handler));
    }

    public void patch(String path, Role role, Handler handler) {
        add("PATCH", path, role);
        app.patch(path, guarded(role, handler));
    }

    public void delete(String path, Role role, Handler handler) {
        add("DELETE", path, role);
        app.delete(path, guarded(role, handler));
    }

    /** A WebSocket; the upgrade request passes the gate, including the Origin check. */
    public void ws(String path, Role role, Consumer<WsConfig> ws) {
        add("WS", path, role);
        app.wsBeforeUpgrade(path, ctx -> gate.check(ctx, role, true));
        app.ws(path, ws);
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

    private void add(String method, String path, Role role) {
        routes.add(new Route(method, path, role));
    }
}
