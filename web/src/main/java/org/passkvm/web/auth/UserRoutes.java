package org.passkvm.web.auth;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/**
 * Accounts (admin only), API tokens and the TOTP second factor (each user for themselves), and
 * the audit log (admin).
 */
public final class UserRoutes implements WebModule {

    record NewUser(String name, String role, String password) {}

    record UserChange(String role, String password) {}

    record NewToken(String label) {}

    record TotpConfirm(String code) {}

    private final Accounts accounts;
    private final ApiTokens tokens;
    private final Audit audit;
    private final Revocations revocations;
    /** Secrets offered to a user but not yet confirmed with a code from their app. */
    private final Map<String, String> pendingTotp = new java.util.concurrent.ConcurrentHashMap<>();

    public UserRoutes(Accounts accounts, ApiTokens tokens, Audit audit, Revocations revocations) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.audit = audit;
        this.revocations = revocations;
    }

    @Override
    public void register(Api api) {
        api.get("/api/users", Role.ADMIN, ctx -> ctx.json(accounts.all().stream().map(Accounts::describe).toList()));
        api.post("/api/users", Role.ADMIN, this::create);
        api.patch("/api/users/{name}", Role.ADMIN, this::change);
        api.delete("/api/users/{name}", Role.ADMIN, this::delete);

        api.get("/api/auth/tokens", Role.VIEWER, ctx -> ctx.json(tokens.of(me(ctx)).stream().map(UserRoutes::describe).toList()));
        api.post("/api/auth/tokens", Role.VIEWER, this::createToken);
        api.delete("/api/auth/tokens/{id}", Role.VIEWER, ctx -> {
            if (!tokens.revoke(ctx.pathParam("id"), me(ctx))) {
                throw Refusal.notFound("no token " + ctx.pathParam("id"));
            }
            revocations.tokenRevoked(ctx.pathParam("id"));
            ctx.json(Map.of("revoked", true));
        });

        api.post("/api/auth/totp", Role.VIEWER, this::beginTotp);
        api.post("/api/auth/totp/confirm", Role.VIEWER, this::confirmTotp);
        api.delete("/api/auth/totp", Role.VIEWER, ctx -> {
            accounts.update(accounts.find(me(ctx)).orElseThrow().withTotp(null));
            ctx.json(Map.of("totp", false));
        });

        api.get("/api/audit", Role.ADMIN, ctx -> ctx.json(audit.tail(ctx.queryParamAsClass("limit", Integer.class)
                .check(n -> n == null || (n > 0 && n <= 10_000), "limit must be 1..10000").getOrDefault(200))));
    }

    private void create(Context ctx) throws IOException {
        NewUser req = Json.read(ctx, NewUser.class);
        if (req.name() == null || req.password() == null) {
            throw Refusal.invalid("name, role and password are required");
        }
        ctx.status(201).json(Accounts.describe(accounts.create(req.name(), role(req.role()), req.password())));
    }

    private void change(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        User user = accounts.find(name).orElseThrow(() -> Refusal.notFound("no user '" + name + "'"));
        UserChange req = Json.read(ctx, UserChange.class);
        if (req.role() != null) {
            Role role = role(req.role());
            if (user.role() == Role.ADMIN && role != Role.ADMIN
                    && accounts.all().stream().filter(u -> u.role() == Role.ADMIN).count() == 1) {
                throw Refusal.invalid("cannot demote the last admin");
            }
            user = accounts.update(user.withRole(role));
        }
        if (req.password() != null) {
            accounts.changePassword(name, req.password());
        }
        if (req.role() != null || req.password() != null) {
            // A changed role or password takes effect now, not at the next login: sessions, tokens, sockets end.
            revocations.revoke(name, null);
        }
        ctx.json(Accounts.describe(accounts.find(name).orElseThrow()));
    }

    private void delete(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        if (accounts.find(name).isEmpty()) {
            throw Refusal.notFound("no user '" + name + "'");
        }
        accounts.delete(name);
        revocations.revoke(name, null);
        ctx.json(Map.of("deleted", name));
    }

    private void createToken(Context ctx) throws IOException {
        NewToken req = Json.read(ctx, NewToken.class);
        String label = req.label() == null ? "" : req.label().trim();
        if (label.isEmpty() || label.length() > 64) {
            throw Refusal.invalid("label must be 1 to 64 characters");
        }
        ApiTokens.Issued issued = tokens.create(me(ctx), label);
        Map<String, Object> out = new LinkedHashMap<>(describe(issued.token()));
        out.put("token", issued.secret());
        ctx.status(201).json(out);
    }

    private void beginTotp(Context ctx) {
        String user = me(ctx);
        String secret = Totp.newSecret();
        pendingTotp.put(user, secret);
        ctx.json(Map.of("secret", secret,
                "uri", "otpauth://totp/PassKVM:" + user + "?secret=" + secret + "&issuer=PassKVM&digits=6&period=30"));
    }

    private void confirmTotp(Context ctx) throws IOException {
        String user = me(ctx);
        String secret = pendingTotp.get(user);
        if (secret == null) {
            throw Refusal.invalid("start with POST /api/auth/totp");
        }
        if (!Totp.verify(secret, Json.read(ctx, TotpConfirm.class).code())) {
            throw Refusal.invalid("that code does not match; check the authenticator app's clock");
        }
        pendingTotp.remove(user);
        accounts.update(accounts.find(user).orElseThrow().withTotp(secret));
        ctx.json(Map.of("totp", true));
    }

    private static String me(Context ctx) {
        return AuthRoutes.principal(ctx).user();
    }

    static Role role(String name) {
        if (name == null) {
            throw Refusal.invalid("role is required: admin, operator or viewer");
        }
        try {
            Role r = Role.valueOf(name.toUpperCase(Locale.ROOT));
            if (r == Role.PUBLIC) {
                throw new IllegalArgumentException();
            }
            return r;
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("role must be admin, operator or viewer, got '" + name + "'");
        }
    }

    private static Map<String, Object> describe(ApiTokens.Token t) {
        return Map.of("id", t.id(), "user", t.user(), "label", t.label(), "created", t.createdEpochSecond());
    }
}
