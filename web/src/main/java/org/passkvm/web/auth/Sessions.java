package org.passkvm.web.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Browser sessions, in memory only: a restart logs everybody out, which is what an appliance
 * that controls a server's power should do. Sessions end after an idle and an absolute timeout.
 */
public final class Sessions {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final List<Consumer<Session>> endListeners = new CopyOnWriteArrayList<>();
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;
    private final Clock clock;

    public Sessions(Duration idleTimeout, Duration absoluteTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.absoluteTimeout = absoluteTimeout;
        this.clock = clock;
    }

    public Session create(String user) {
        Session s = new Session(randomToken(), user, randomToken(), clock.instant());
        byId.put(s.id(), s);
        return s;
    }

    /** Finds a live session and marks it used; an expired one is ended on the way. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isAfter(s.lastSeen().plus(idleTimeout)) || now.isAfter(s.created().plus(absoluteTimeout))) {
            end(id);
            return Optional.empty();
        }
        s.touch(now);
        return Optional.of(s);
    }

    public void end(String id) {
        Session s = byId.remove(id);
        if (s != null) {
            endListeners.forEach(l -> l.accept(s));
        }
    }

    public void endAllOf(String user) {
        endAllOf(user, null);
    }

    /** Ends every session of the user except {@code keep} (null: all). */
    public void endAllOf(String user, Session keep) {
        byId.values().stream().filter(s -> s.user().equals(user) && s != keep).map(Session::id).toList().forEach(this::end);
    }

    /** Whether the session has not ended; does not count as use. */
    public boolean isLive(Session session) {
        return session != null && byId.get(session.id()) == session;
    }

    /** Ends expired sessions; called periodically so their listeners (release keys) run even when nobody calls. */
    public void expire() {
        byId.keySet().forEach(this::find);
    }

    /** Runs when a session ends, by logout or timeout: the console releases its keys there. */
    public void onEnd(Consumer<Session> listener) {
        endListeners.add(listener);
    }

    public Duration absoluteTimeout() {
        return absoluteTimeout;
    }

    static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
