package org.passkvm.ipmi;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session table. Small on purpose: a BMC that lets anyone open unlimited half-done sessions
 * runs out of memory. When it is full, a new handshake replaces the stalest half-made one; only a
 * table full of established sessions answers "insufficient resources".
 */
final class IpmiSessions {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<Integer, IpmiSession> byId = new ConcurrentHashMap<>();
    private final int capacity;
    private final long timeoutNanos;
    private final long handshakeTimeoutNanos;

    IpmiSessions(int capacity, Duration timeout) {
        this.capacity = capacity;
        this.timeoutNanos = timeout.toNanos();
        this.handshakeTimeoutNanos = Math.min(timeout.toNanos(), Duration.ofSeconds(10).toNanos());
    }

    /** A new session with a fresh random ID, or empty when the table is full. */
    Optional<IpmiSession> open(InetSocketAddress peer, int consoleId, CipherSuite suite, boolean rmcpPlus,
            IpmiSession.Stage stage) {
        expire();
        if (byId.size() >= capacity && !evictOldestHandshake()) {
            return Optional.empty();
        }
        int id;
        IpmiSession s;
        do {
            id = RANDOM.nextInt();
            s = new IpmiSession(id, peer, consoleId, suite, rmcpPlus, stage);
        } while (id == 0 || byId.putIfAbsent(id, s) != null);
        return Optional.of(s);
    }

    /**
     * Makes room by dropping the half-made session idle the longest. Anyone can open handshakes
     * without a password; letting them fill the table would lock out the real users, whose
     * handshakes take milliseconds. Established sessions are never dropped for this.
     */
    private boolean evictOldestHandshake() {
        return byId.values().stream().filter(s -> s.stage() != IpmiSession.Stage.ACTIVE)
                .max(java.util.Comparator.comparingLong(IpmiSession::idleNanos))
                .map(s -> byId.remove(s.bmcId, s)).orElse(false);
    }

    /** The session with this ID, opened from this address. */
    Optional<IpmiSession> find(int id, InetSocketAddress peer) {
        IpmiSession s = byId.get(id);
        if (s == null || !s.peer.equals(peer)) {
            return Optional.empty();
        }
        if (expired(s)) {
            byId.remove(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    void close(IpmiSession s) {
        byId.remove(s.bmcId);
    }

    /** Ends every session, made or half-made, that logged in as this user. */
    void endAllOf(String user) {
        byId.values().removeIf(s -> user.equals(s.user));
    }

    int active() {
        return (int) byId.values().stream().filter(s -> s.stage() == IpmiSession.Stage.ACTIVE).count();
    }

    int size() {
        return byId.size();
    }

    void expire() {
        byId.values().removeIf(this::expired);
    }

    private boolean expired(IpmiSession s) {
        return s.idleFor(s.stage() == IpmiSession.Stage.ACTIVE ? timeoutNanos : handshakeTimeoutNanos);
    }
}
