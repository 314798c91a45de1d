package org.passkvm.redfish;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;
import org.passkvm.web.Role;
import org.passkvm.web.auth.Accounts;
import org.passkvm.web.auth.AuthGate;
import org.passkvm.web.auth.LoginLimiter;
import org.passkvm.web.auth.Principal;
import org.passkvm.web.auth.Revocations;
import org.passkvm.web.auth.User;

/**
 * Who calls a Redfish resource: an {@code X-Auth-Token} from a Redfish session, or else whatever
 * the web server's gate accepts (HTTP Basic, API tokens, console sessions with CSRF). Redfish
 * routes are registered as public so that this check, not the gate's JSON, can answer in Redfish's
 * error format; every route except the service root calls it first.
 */
final class RedfishAuth {

    static final String TOKEN_HEADER = "X-Auth-Token";

    private final AuthGate gate;
    private final Accounts accounts;
    private final RedfishSessions sessions;
    /** The web server's limiter: guesses here lock this source out of the console too, and the other way round. */
    private final LoginLimiter limiter;

    RedfishAuth(AuthGate gate, Accounts accounts, RedfishSessions sessions) {
        this.gate = gate;
        this.accounts = accounts;
        this.sessions = sessions;
        this.limiter = gate.limiter();
    }

    Principal check(Context ctx, Role required, boolean changesState) {
        String token = ctx.header(TOKEN_HEADER);
        Principal p;
        if (token != null) {
            var found = sessions.byToken(token);
            if (found.isEmpty()) {
                // A wrong token counts in the one limiter like a wrong password (see AuthGate.wrongToken).
                Duration wait = limiter.retryAfter(ctx.ip(), AuthGate.TOKEN_GUESS);
                if (!wait.isZero()) {
                    ctx.header("Retry-After", Long.toString(Math.max(1, wait.toSeconds())));
                    throw new RedfishError(429, "ServiceTemporarilyUnavailable", "Too many wrong tokens; try again later.");
                }
                limiter.failed(ctx.ip(), AuthGate.TOKEN_GUESS);
                throw unauthorized(ctx);
            }
            var s = found.get();
            User u = accounts.find(s.user).orElseThrow(() -> unauthorized(ctx));
            p = Principal.ofToken(u, Revocations.REDFISH + s.id);
            ctx.attribute(AuthGate.PRINCIPAL, p); // for the audit log
        } else {
            gate.check(ctx, Role.VIEWER, changesState);
            p = ctx.attribute(AuthGate.PRINCIPAL);
        }
        User u = accounts.find(p.user()).orElseThrow(() -> unauthorized(ctx));
        if (u.mustChangePassword()) {
            throw new RedfishError(403, "PasswordChangeRequired",
                    "The password of " + p.user() + " must be changed first (POST /api/auth/password).");
        }
        if (!p.role().allows(required)) {
            throw new RedfishError(403, "InsufficientPrivilege", "This needs the " + required.name().toLowerCase()
                    + " role; " + p.user() + " is " + p.role().name().toLowerCase() + ".");
        }
        return p;
    }

    /** Checks a session login's user name and password through the one limiter every login shares. */
    Optional<User> login(Context ctx, String user, String password) {
        var attempt = limiter.attempt(ctx.ip(), user, () -> accounts.authenticate(user, password));
        if (attempt instanceof LoginLimiter.Attempt.Locked<User> locked) {
            ctx.header("Retry-After", Long.toString(Math.max(1, locked.retryAfter().toSeconds())));
            throw new RedfishError(429, "ServiceTemporarilyUnavailable", "Too many failed logins; try again later.");
        }
        return attempt instanceof LoginLimiter.Attempt.Ok<User> ok ? Optional.of(ok.value()) : Optional.empty();
    }

    private static RedfishError unauthorized(Context ctx) {
        ctx.header("WWW-Authenticate", "Basic realm=\"PassKVM\", charset=\"UTF-8\"");
        return new RedfishError(401, "NoValidSession", "There is no valid session established with the implementation.");
    }
}
