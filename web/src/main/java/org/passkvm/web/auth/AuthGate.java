package org.passkvm.web.auth;

import io.javalin.http.Context;
import io.javalin.http.Header;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;

/**
 * The one gate every route passes. It finds out who calls (session cookie, HTTP Basic or an API
 * token), refuses callers without the route's role, and refuses cross-site requests: anything
 * that changes state must come from our own origin, and a cookie-authenticated change must also
 * carry the session's CSRF token.
 */
public final class AuthGate {

    public static final String SESSION_COOKIE = "passkvm_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String PRINCIPAL = "passkvm.principal";
    /** Routes a user who still has to replace a generated password may call. */
    private static final java.util.Set<String> PASSWORD_CHANGE_PATHS =
            java.util.Set.of("/api/auth/password", "/api/auth/me", "/api/auth/logout");

    private final Accounts accounts;
    private final Sessions sessions;
    private final LoginLimiter limiter;
    private final ApiTokens tokens;

    public AuthGate(Accounts accounts, Sessions sessions, LoginLimiter limiter, ApiTokens tokens) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.limiter = limiter;
        this.tokens = tokens;
    }

    /**
     * Lets the request through or throws 401/403/429.
     *
     * @param changesState a POST/PUT/PATCH/DELETE or a WebSocket upgrade: needs same-origin proof
     */
    public void check(Context ctx, Role required, boolean changesState) {
        if (required == Role.PUBLIC) {
            if (changesState) {
                // No credential to protect, but a page elsewhere must not drive logins (and lockouts) from visitors' browsers.
                String origin = ctx.header(Header.ORIGIN);
                if (origin != null && !sameOrigin(origin, ctx.host(), ctx.scheme())) {
                    throw Refusal.forbidden("cross-origin request refused (Origin " + origin + ")");
                }
            }
            identify(ctx).ifPresent(p -> ctx.attribute(PRINCIPAL, p));
            return;
        }
        Principal p = identify(ctx).orElseThrow(() -> unauthorized(ctx));
        if (changesState) {
            checkSameOrigin(ctx, p);
        }
        User user = accounts.find(p.user()).orElseThrow(() -> unauthorized(ctx));
        if (user.mustChangePassword() && ctx.path().startsWith("/api/") && !PASSWORD_CHANGE_PATHS.contains(ctx.path())) {
            throw Refusal.forbidden("password change required: POST /api/auth/password first");
        }
        if (!p.role().allows(required)) {
            throw Refusal.forbidden("this needs the " + required.name().toLowerCase() + " role; "
                    + p.user() + " is " + p.role().name().toLowerCase());
        }
        ctx.attribute(PRINCIPAL, p);
    }

    /** The caller, if any credential it sent is valid. */
    public Optional<Principal> identify(Context ctx) {
        String authorization = ctx.header(Header.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(ctx, authorization.substring(6).trim());
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return bearer(ctx, authorization.substring(7).trim());
        }
        return sessions.find(ctx.cookie(SESSION_COOKIE))
                .flatMap(s -> accounts.find(s.user()).map(u -> Principal.ofSession(u, s)));
    }

    /**
     * A wrong token counts in the one limiter like a wrong password, under a name no account can have, and once the
     * source is locked out for it a wrong token gets 429. A right token always works: 256 random bits cannot be
     * guessed, and a script still sending a revoked token must not lock out its neighbour's valid one.
     */
    private Optional<Principal> bearer(Context ctx, String secret) {
        Optional<Principal> p = tokens.verify(secret)
                .flatMap(t -> accounts.find(t.user()).map(u -> Principal.ofToken(u, t.id())));
        if (p.isEmpty()) {
            wrongToken(ctx);
        }
        return p;
    }

    /** The name wrong tokens are counted under (user names are lower-case letters, digits and ._-). */
    public static final String TOKEN_GUESS = "(token)";

    /** Counts a wrong token from this request's source; 429 once that source is locked out for tokens. */
    public void wrongToken(Context ctx) {
        Duration wait = limiter.retryAfter(ctx.ip(), TOKEN_GUESS);
        if (!wait.isZero()) {
            throw tooManyAttempts(ctx, wait);
        }
        limiter.failed(ctx.ip(), TOKEN_GUESS);
    }

    private Optional<Principal> basic(Context ctx, String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw Refusal.invalid("malformed Basic credentials");
        }
        String name = decoded.substring(0, colon);
        String address = ctx.ip();
        Duration wait = limiter.retryAfter(address, name);
        if (!wait.isZero()) {
            throw tooManyAttempts(ctx, wait);
        }
        Optional<User> user = accounts.authenticate(name, decoded.substring(colon + 1));
        if (user.isEmpty()) {
            limiter.failed(address, name);
            return Optional.empty();
        }
        limiter.succeeded(address, name);
        return user.map(Principal::ofBasic);
    }

    private void checkSameOrigin(Context ctx, Principal p) {
        String origin = ctx.header(Header.ORIGIN);
        boolean browserSession = p.via() == Principal.Via.SESSION;
        if (origin == null) {
            // Browsers always send Origin on cross-origin writes and on WebSocket upgrades; scripts may not.
            if (browserSession && ctx.header(Header.SEC_WEBSOCKET_KEY) != null) {
                throw Refusal.forbidden("WebSocket upgrade without Origin refused");
            }
        } else if (!sameOrigin(origin, ctx.host(), ctx.scheme())) {
            throw Refusal.forbidden("cross-origin request refused (Origin " + origin + ")");
        }
        if (browserSession && ctx.header(Header.SEC_WEBSOCKET_KEY) == null) {
            String token = ctx.header(CSRF_HEADER);
            if (token == null || !java.security.MessageDigest.isEqual(
                    token.getBytes(StandardCharsets.UTF_8), p.session().csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw Refusal.forbidden("missing or wrong " + CSRF_HEADER + " header");
            }
        }
    }

    /** Same scheme and the same host and port: an http:// page on the same name is another origin. */
    static boolean sameOrigin(String origin, String host, String scheme) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host) && scheme.equalsIgnoreCase(uri.getScheme());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Refusal unauthorized(Context ctx) {
        // A challenge makes browsers pop up a password dialog, which the console never wants.
        if (ctx.header("X-Requested-With") == null) {
            ctx.header(Header.WWW_AUTHENTICATE, "Basic realm=\"PassKVM\", charset=\"UTF-8\"");
        }
        return new Refusal(Refusal.Kind.UNAUTHENTICATED, "authentication required");
    }

    /** The one login limiter of this server, for every other way in (Redfish, IPMI, VNC). */
    public LoginLimiter limiter() {
        return limiter;
    }

    static Refusal tooManyAttempts(Context ctx, Duration wait) {
        long seconds = Math.max(1, wait.toSeconds());
        ctx.header(Header.RETRY_AFTER, Long.toString(seconds));
        return new Refusal(Refusal.Kind.TOO_MANY_ATTEMPTS, "too many failed logins; try again in " + seconds + " s");
    }
}
