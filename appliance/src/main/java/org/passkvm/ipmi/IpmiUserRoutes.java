package org.passkvm.ipmi;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.AuthRoutes;
import org.passkvm.web.auth.Principal;

/**
 * Turns IPMI on or off for a user: {@code GET/POST/DELETE /api/ipmi/credentials[?user=NAME]}.
 * Operators manage their own; admins anybody's. The password is shown once, in the POST answer.
 */
public final class IpmiUserRoutes implements WebModule {

    /** @param password null to have one generated */
    record Enable(String password) {}

    private final IpmiUsers users;
    private final int port;

    public IpmiUserRoutes(IpmiUsers users, int port) {
        this.users = users;
        this.port = port;
    }

    @Override
    public void register(Api api) {
        api.get("/api/ipmi/credentials", Role.OPERATOR, ctx -> {
            String user = target(ctx);
            ctx.json(describe(user, users.enabled(user), null));
        });
        api.post("/api/ipmi/credentials", Role.OPERATOR, ctx -> {
            String user = target(ctx);
            String body = ctx.body();
            Enable e = body == null || body.isBlank() ? new Enable(null) : Json.read(body, Enable.class);
            ctx.json(describe(user, true, users.enable(user, e.password())));
        });
        api.delete("/api/ipmi/credentials", Role.OPERATOR, ctx -> {
            String user = target(ctx);
            users.disable(user);
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
            throw Refusal.forbidden("only admins manage other users' IPMI access");
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
            m.put("example", "ipmitool -I lanplus -H <address> -p " + port + " -U " + user + " -P '" + password
                    + "' chassis power status");
        }
        return m;
    }
}
