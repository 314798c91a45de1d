package org.passkvm.web.auth;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.time.Duration;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/** Login, logout, who-am-I and password change. */
public final class AuthRoutes implements WebModule {

    record LoginRequest(String user, String password, String totp) {}

    record PasswordChange(String currentPassword, String newPassword) {}

    private final Accounts accounts;
    private final Sessions sessions;
    private final LoginLimiter limiter;
    private final Audit audit;
    private final Revocations revocations;

    public AuthRoutes(Accounts accounts, Sessions sessions, LoginLimiter limiter, Audit audit, Revocations revocations) {
        this.audit = audit;
        this.revocations = revocations;
        this.accounts = accounts;
        this.sessions = sessions;
        this.limiter = limiter;
    }

    @Override
    public void register(Api api) {
        api.post("/api/auth/login", Role.PUBLIC, this::login);
        api.post("/api/auth/logout", Role.VIEWER, this::logout);
        api.get("/api/auth/me", Role.VIEWER, this::me);
        api.post("/api/auth/password", Role.VIEWER, this::changePassword);
    }

    private void login(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            // A cross-site form or text/plain fetch needs no CORS preflight; JSON does, and we never answer one.
            throw new Refusal(Refusal.Kind.WRONG_FORMAT, "send the login as application/json");
        }
        LoginRequest req = Json.read(ctx, LoginRequest.class);
        if (req.user() == null || req.password() == null) {
            throw Refusal.invalid("user and password are required");
        }
        String address = ctx.ip();
        Duration wait = limiter.retryAfter(address, req.user());
        if (!wait.isZero()) {
            throw AuthGate.tooManyAttempts(ctx, wait);
        }
        User user = accounts.authenticate(req.user(), req.password()).orElse(null);
        if (user != null && user.totpSecret() != null && (req.totp() == null || req.totp().isBlank())) {
            // The password was right: ask for the second factor without counting a failure.
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "one-time code required", Map.of("totpRequired", "true"));
        }
        if (user != null && user.totpSecret() != null && !Totp.verify(user.totpSecret(), req.totp())) {
            user = null;
        }
        if (user == null) {
            limiter.failed(address, req.user()); // the limiter tells the audit log, for every way in
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "wrong user name, password or one-time code");
        }
        limiter.succeeded(address, req.user());
        audit.record(user.name(), address, "LOGIN", "session", 200);
        Session session = sessions.create(user.name());
        Cookie cookie = new Cookie(AuthGate.SESSION_COOKIE, session.id());
        cookie.setHttpOnly(true);
        cookie.setSecure(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setPath("/");
        cookie.setMaxAge((int) sessions.absoluteTimeout().toSeconds());
        ctx.cookie(cookie);
        ctx.json(Map.of("user", user.name(), "role", user.role().name().toLowerCase(),
                "csrfToken", session.csrfToken(), "mustChangePassword", user.mustChangePassword()));
    }

    private void logout(Context ctx) {
        Principal p = principal(ctx);
        if (p.session() != null) {
            sessions.end(p.session().id());
        }
        ctx.removeCookie(AuthGate.SESSION_COOKIE, "/");
        ctx.json(Map.of("loggedOut", true));
    }

    private void me(Context ctx) {
        Principal p = principal(ctx);
        User user = accounts.find(p.user()).orElseThrow();
        Map<String, Object> out = new java.util.LinkedHashMap<>(Accounts.describe(user));
        if (p.session() != null) {
            out.put("csrfToken", p.session().csrfToken());
        }
        ctx.json(out);
    }

    private void changePassword(Context ctx) throws java.io.IOException {
        Principal p = principal(ctx);
        PasswordChange req = Json.read(ctx, PasswordChange.class);
        // A stolen session must not become a way to guess the password: same limiter as the login.
        Duration wait = limiter.retryAfter(ctx.ip(), p.user());
        if (!wait.isZero()) {
            throw AuthGate.tooManyAttempts(ctx, wait);
        }
        if (req.currentPassword() == null || accounts.authenticate(p.user(), req.currentPassword()).isEmpty()) {
            limiter.failed(ctx.ip(), p.user());
            throw Refusal.invalid("the current password is wrong");
        }
        limiter.succeeded(ctx.ip(), p.user());
        try {
            accounts.changePassword(p.user(), req.newPassword());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        // Whoever knew the old password is out: other sessions, tokens, sockets; this browser stays logged in.
        revocations.revoke(p.user(), p.session());
        ctx.json(Map.of("changed", true));
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(AuthGate.PRINCIPAL);
        if (p == null) {
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "authentication required");
        }
        return p;
    }
}
