package org.passkvm.redfish;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redfish sessions: an {@code X-Auth-Token} per login, in memory only, ended by DELETE on the
 * session resource, by its idle timeout, or by a restart. Separate from the console's cookie
 * sessions: the token is a header credential, never accepted as a cookie, so no CSRF applies.
 */
final class RedfishSessions {

    /** One session; {@code id} names the resource, {@code token} is the secret. */
    static final class Session {
        final String id;
        final String token;
        final String user;
        final Instant created;
        volatile Instant lastSeen;

        Session(String id, String token, String user, Instant created) {
            this.id = id;
            this.token = token;
            this.user = user;
            this.created = created;
            this.lastSeen = created;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> byToken = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final int capacity;
    private final int perUser;
    private final Clock clock;

    RedfishSessions(Duration idleTimeout, int capacity, Clock clock) {
        this(idleTimeout, capacity, capacity, clock);
    }

    /**
     * @param perUser sessions one user may hold; a further login replaces that user's oldest, so
     *     one account (a viewer's, a leaky script's) cannot take the table from everyone else
     */
    RedfishSessions(Duration idleTimeout, int capacity, int perUser, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.capacity = capacity;
        this.perUser = perUser;
        this.clock = clock;
    }

    /** A new session, or empty when the table is full of other users' sessions. */
    synchronized Optional<Session> create(String user) {
        expire();
        List<Session> own = byToken.values().stream().filter(s -> s.user.equals(user))
                .sorted((a, b) -> a.created.compareTo(b.created)).toList();
        if (own.size() >= perUser) {
            own.subList(0, own.size() - perUser + 1).forEach(this::end);
        } else if (byToken.size() >= capacity) {
            return Optional.empty();
        }
        byte[] t = new byte[32];
        RANDOM.nextBytes(t);
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        Session s = new Session(HexFormat.of().formatHex(id), Base64.getUrlEncoder().withoutPadding().encodeToString(t),
                user, clock.instant());
        byToken.put(s.token, s);
        return Optional.of(s);
    }

    Optional<Session> byToken(String token) {
        Session s = token == null ? null : byToken.get(token);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isAfter(s.lastSeen.plus(idleTimeout))) {
            byToken.remove(token);
            return Optional.empty();
        }
        s.lastSeen = now;
        return Optional.of(s);
    }

    Optional<Session> byId(String id) {
        expire();
        return byToken.values().stream().filter(s -> s.id.equals(id)).findFirst();
    }

    List<Session> all() {
        expire();
        return byToken.values().stream().sorted((a, b) -> a.created.compareTo(b.created)).toList();
    }

    void end(Session s) {
        byToken.remove(s.token);
    }

    /** The user's access was revoked (deleted, demoted, password changed): their tokens stop working now. */
    void endAllOf(String user) {
        byToken.values().removeIf(s -> s.user.equals(user));
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    private void expire() {
        Instant limit = clock.instant().minus(idleTimeout);
        byToken.values().removeIf(s -> s.lastSeen.isBefore(limit));
    }
}
