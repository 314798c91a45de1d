package org.passkvm.web.auth;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.passkvm.web.Role;
import org.tinylog.Logger;

/**
 * Ends what a caller may no longer use, everywhere at once. Sockets and streams outlive the request that
 * authenticated them, so each one holds a {@link Lease} here: when a session ends (logout, timeout) the leases
 * opened with it close; when a user's access is revoked (deleted, demoted, password changed) their other sessions,
 * API tokens and every lease they hold end, and listeners end what lives elsewhere (Redfish and IPMI sessions).
 */
public final class Revocations {

    /** An open socket or stream, closed by a revocation or by its owner when it ends on its own. */
    public final class Lease implements AutoCloseable {
        private final Principal principal;
        private final Runnable onRevoke;
        private volatile boolean open = true;

        private Lease(Principal principal, Runnable onRevoke) {
            this.principal = principal;
            this.onRevoke = onRevoke;
        }

        public boolean isOpen() {
            return open;
        }

        public Principal principal() {
            return principal;
        }

        /** Revoked: stops taking input at once, then closes the socket or stream. */
        void revoke() {
            if (leases.remove(this)) {
                open = false;
                try {
                    onRevoke.run();
                } catch (RuntimeException e) {
                    Logger.warn(e, "Closing a revoked connection of {} failed", principal.user());
                }
            }
        }

        /** The connection ended by itself. */
        @Override
        public void close() {
            open = false;
            leases.remove(this);
        }
    }

    private final Accounts accounts;
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final Set<Lease> leases = ConcurrentHashMap.newKeySet();
    private final AtomicLong epoch = new AtomicLong();
    /** When each user was last revoked, on {@link #epoch}'s scale: a lease authenticated before that is stale. */
    private final Map<String, Long> revokedAt = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public Revocations(Accounts accounts, Sessions sessions, ApiTokens tokens) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        sessions.onEnd(s -> closeWhere(p -> p.session() == s));
    }

    /** Read before authenticating a connection, and handed to {@link #lease}: a revocation in between closes it. */
    public long epoch() {
        return epoch.get();
    }

    /**
     * Registers a connection that {@code principal} opened with {@code role} after {@code since} ({@link #epoch()}).
     * If its access ended meanwhile, the lease comes back closed and {@code onRevoke} has already run.
     */
    public Lease lease(Principal principal, Role role, long since, Runnable onRevoke) {
        Lease lease = new Lease(principal, onRevoke);
        leases.add(lease);
        if (!stillAllowed(principal, role, since)) {
            lease.revoke();
        }
        return lease;
    }

    private boolean stillAllowed(Principal p, Role role, long since) {
        if (revokedAt.getOrDefault(p.user(), Long.MIN_VALUE) > since) {
            return false;
        }
        if (accounts.find(p.user()).filter(u -> u.role().allows(role)).isEmpty()) {
            return false;
        }
        return switch (p.via()) {
            case SESSION -> sessions.isLive(p.session());
            case TOKEN -> p.tokenId() == null || p.tokenId().startsWith(REDFISH) || tokens.exists(p.tokenId());
            case BASIC -> true;
        };
    }

    /**
     * The user was deleted or demoted, or their password changed: their sessions except {@code keep} (the one that
     * changed its own password), their API tokens, every connection they hold and whatever the listeners keep end now.
     */
    public void revoke(String user, Session keep) throws IOException {
        revokedAt.put(user, epoch.incrementAndGet());
        sessions.endAllOf(user, keep);
        tokens.revokeAllOf(user);
        closeWhere(p -> p.user().equals(user) && (keep == null || p.session() != keep));
        listeners.forEach(l -> l.accept(user));
    }

    /** One API token was revoked: the connections it opened close. */
    public void tokenRevoked(String tokenId) {
        closeWhere(p -> tokenId.equals(p.tokenId()));
    }

    /** Runs on every {@link #revoke}: Redfish and IPMI end the user's sessions there. */
    public void onRevoke(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** How many connections are open, for health and tests. */
    public int openLeases() {
        return leases.size();
    }

    /** Prefix of {@link Principal#tokenId()} for Redfish sessions, which end through {@link #onRevoke}. */
    public static final String REDFISH = "redfish:";

    private void closeWhere(Predicate<Principal> which) {
        leases.stream().filter(l -> which.test(l.principal)).toList().forEach(Lease::revoke);
    }
}
