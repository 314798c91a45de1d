package org.passkvm.vnc;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.AuthRoutes;
import org.passkvm.web.auth.Principal;

/**
 * A user's VNC password: {@code GET/POST/DELETE /api/vnc/credentials[?user=NAME]}. Every user manages their own
 * (viewers get a picture-only login); admins anybody's. A POST makes a new password and shows it once.
 */
public final class VncPasswordRoutes implements WebModule {

    private final VncPasswords passwords;
    private final int port;

    public VncPasswordRoutes(VncPasswords passwords, int port) {
        this.passwords = passwords;
        this.port = port;
    }

    @Override
    public void register(Api api) {
        api.get("/api/vnc/credentials", Role.VIEWER, ctx -> {
            String user = target(ctx);
            ctx.json(describe(user, passwords.enabled(user), null));
        });
        api.post("/api/vnc/credentials", Role.VIEWER, ctx -> {
            String user = target(ctx);
            ctx.json(describe(user, true, passwords.enable(user)));
        });
        api.delete("/api/vnc/credentials", Role.VIEWER, ctx -> {
            String user = target(ctx);
            passwords.disable(user);
            ctx.json(describe(user, false, null));
        });
    }

    private static String target(Context ctx) {
        Principal me = AuthRoutes.principal(ctx);
        String user = ctx.queryParam("user");
        if (user == null || user.equals(me.user())) {
            return me.user();
        }
        if (!me.role().allows(Role.ADMIN)) {
            throw Refusal.forbidden("only admins manage other users' VNC access");
        }
        return user;
    }

    private Map<String, Object> describe(String user, boolean enabled, String password) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", user);
        m.put("enabled", enabled);
        m.put("port", port);
        if (password != null) {
            m.put("password", password);
            m.put("example", "vncviewer <address>::" + port + "   (password: " + password + ")");
        }
        return m;
    }
}
