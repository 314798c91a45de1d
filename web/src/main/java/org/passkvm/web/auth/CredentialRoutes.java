package org.passkvm.web.auth;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Predicate;
import org.passkvm.web.Api;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/**
 * A user's own secret for a protocol that cannot use the login password (IPMI's RAKP and VNC authentication key their
 * ciphers with it): {@code GET/POST/DELETE <path>[?user=NAME]}. Users manage their own, admins anybody's; a POST
 * answers with the new secret, the only time it is shown.
 */
public final class CredentialRoutes implements WebModule {

    /**
     * Where a protocol keeps its per-user secrets.
     *
     * @param enable turns the protocol on for a user and returns the secret to show, given the POST body as sent
     */
    public record Store(Predicate<String> enabled, Enable enable, Disable disable) {}

    public interface Enable {
        String apply(String user, String body) throws IOException;
    }

    public interface Disable {
        void apply(String user) throws IOException;
    }

    private final String path;
    private final String protocol;
    private final Role role;
    private final int port;
    private final Store store;
    private final BinaryOperator<String> example;

    /**
     * @param protocol how refusals name it ("IPMI")
     * @param role the least role that may have such a secret
     * @param example a command that uses the new secret, from the user name and the secret
     */
    public CredentialRoutes(String path, String protocol, Role role, int port, Store store, BinaryOperator<String> example) {
        this.path = path;
        this.protocol = protocol;
        this.role = role;
        this.port = port;
        this.store = store;
        this.example = example;
    }

    @Override
    public void register(Api api) {
        api.get(path, role, ctx -> {
            String user = subject(ctx);
            ctx.json(describe(user, store.enabled().test(user), null));
        });
        api.post(path, role, ctx -> {
            String user = subject(ctx);
            String body = ctx.body();
            ctx.json(describe(user, true, store.enable().apply(user, body == null ? "" : body)));
        });
        api.delete(path, role, ctx -> {
            String user = subject(ctx);
            store.disable().apply(user);
            ctx.json(describe(user, false, null));
        });
    }

    private String subject(Context ctx) {
        Principal me = AuthRoutes.principal(ctx);
        String user = ctx.queryParam("user");
        if (user == null || user.equals(me.user())) {
            return me.user();
        }
        if (!me.role().allows(Role.ADMIN)) {
            throw Refusal.forbidden("only admins manage other users' " + protocol + " access");
        }
        return user;
    }

    private Map<String, Object> describe(String user, boolean enabled, String secret) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", user);
        m.put("enabled", enabled);
        m.put("port", port);
        if (secret != null) {
            m.put("password", secret);
            m.put("example", example.apply(user, secret));
        }
        return m;
    }
}
