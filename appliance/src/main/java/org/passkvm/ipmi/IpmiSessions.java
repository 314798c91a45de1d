package org.passkvm.ipmi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The session table. Established sessions are bounded by {@code capacity}; half-made handshakes,
 * which anyone can open without a password, have their own bound and a short timeout, so a flood
 * of them can never lock out the real users, whose handshakes take milliseconds:
 * <ul>
 * <li>a source (an IP address) holds at most {@link #HALF_OPEN_PER_SOURCE}; its next one replaces
 * its own oldest, so a flooder only churns its own;
 * <li>all sources together hold at most {@link #HALF_OPEN}; when full, the oldest handshake that
 * has not reached RAKP 1 goes first. A blind flood from spoofed addresses never gets further, while
 * a real console's reaches RAKP 1 one round trip after Open Session; 1024 slots give it that round
 * trip even under thousands of spoofed requests a second;
 * <li>a handshake idle for {@link #HANDSHAKE_TIMEOUT} goes.
 * </ul>
 * Only a table full of established sessions answers "insufficient resources". Making room is O(1):
 * the half-made handshakes are kept in order of age, and per source.
 */
final class IpmiSessions {

    static final int HALF_OPEN = 1024;
    static final int HALF_OPEN_PER_SOURCE = 4;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    /** How often opening a handshake also sweeps out idle sessions (the server sweeps every 5 s as well). */
    private static final long SWEEP_MILLIS = 250;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<Integer, IpmiSession> byId = new ConcurrentHashMap<>();
    /** Half-made handshakes, oldest first; guarded by this. */
    private final Set<IpmiSession> halfOpen = new LinkedHashSet<>();
    /** The same, per source address, oldest first; guarded by this. */
    private final Map<InetAddress, Deque<IpmiSession>> halfOpenBySource = new HashMap<>();
    private final int capacity;
    private final long timeoutMillis;
    private final long handshakeTimeoutMillis;
    private final Clock clock;
    private long nextSweep;
    private volatile Consumer<IpmiSession> abandoned = s -> {};

    IpmiSessions(int capacity, Duration timeout, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
        this.timeoutMillis = timeout.toMillis();
        this.handshakeTimeoutMillis = Math.min(timeout.toMillis(), HANDSHAKE_TIMEOUT.toMillis());
    }

    /**
     * Tells {@code listener} of every login that handed out a proof (RAKP 2, a 1.5 challenge) and
     * then failed or was given up: the console said the password was wrong, it never answered, or
     * its handshake was dropped for room. Collecting RAKP 2 codes to crack offline counts as guessing.
     */
    void onAbandoned(Consumer<IpmiSession> listener) {
        this.abandoned = listener;
    }

    /** A new session with a fresh random ID, or empty when the table is full of established sessions. */
    synchronized Optional<IpmiSession> open(InetSocketAddress peer, int consoleId, CipherSuite suite, boolean rmcpPlus,
            IpmiSession.Stage stage) {
        long now = clock.millis();
        if (now >= nextSweep) {
            nextSweep = now + SWEEP_MILLIS;
            expire();
        }
        if (byId.size() - halfOpen.size() >= capacity) {
            return Optional.empty();
        }
        boolean handshake = stage != IpmiSession.Stage.ACTIVE;
        if (handshake) {
            makeRoomForHandshake(peer.getAddress());
        }
        int id;
        IpmiSession s;
        do {
            id = RANDOM.nextInt();
            s = new IpmiSession(id, peer, consoleId, suite, rmcpPlus, stage, clock);
        } while (id == 0 || byId.putIfAbsent(id, s) != null);
        if (handshake) {
            halfOpen.add(s);
            halfOpenBySource.computeIfAbsent(peer.getAddress(), a -> new ArrayDeque<>()).addLast(s);
        }
        return Optional.of(s);
    }

    private void makeRoomForHandshake(InetAddress source) {
        Deque<IpmiSession> own = halfOpenBySource.get(source);
        if (own != null && own.size() >= HALF_OPEN_PER_SOURCE) {
            drop(own.peekFirst());
        } else if (halfOpen.size() >= HALF_OPEN) {
            IpmiSession victim = halfOpen.iterator().next();
            for (IpmiSession s : halfOpen) {
                if (s.stage() == IpmiSession.Stage.OPENED) {
                    victim = s;
                    break;
                }
            }
            drop(victim);
        }
    }

    /** The handshake succeeded: the session leaves the half-made ones and counts against {@code capacity}. */
    synchronized void activate(IpmiSession s) {
        s.advance(IpmiSession.Stage.ACTIVE);
        forgetHandshake(s);
    }

    /** The session with this ID, opened from this address. */
    Optional<IpmiSession> find(int id, InetSocketAddress peer) {
        IpmiSession s = byId.get(id);
        if (s == null || !s.peer.equals(peer)) {
            return Optional.empty();
        }
        if (expired(s)) {
            drop(s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Ends a session; a login still waiting for its proof counts as failed. */
    void close(IpmiSession s) {
        drop(s);
    }

    /** Ends every session, made or half-made, that logged in as this user. */
    void endAllOf(String user) {
        byId.values().stream().filter(s -> user.equals(s.user)).toList().forEach(this::drop);
    }

    int active() {
        return (int) byId.values().stream().filter(s -> s.stage() == IpmiSession.Stage.ACTIVE).count();
    }

    int size() {
        return byId.size();
    }

    synchronized void expire() {
        // A session taken out of byId some other way (a bulk end of a user's sessions) leaves the handshake indexes here.
        halfOpen.stream().filter(s -> byId.get(s.bmcId) != s).toList().forEach(this::forgetHandshake);
        byId.values().stream().filter(this::expired).toList().forEach(this::drop);
    }

    private synchronized void drop(IpmiSession s) {
        forgetHandshake(s);
        if (byId.remove(s.bmcId, s) && s.settleLogin()) {
            abandoned.accept(s);
        }
    }

    private void forgetHandshake(IpmiSession s) {
        if (halfOpen.remove(s)) {
            Deque<IpmiSession> own = halfOpenBySource.get(s.peer.getAddress());
            if (own != null) {
                own.remove(s);
                if (own.isEmpty()) {
                    halfOpenBySource.remove(s.peer.getAddress());
                }
            }
        }
    }

    private boolean expired(IpmiSession s) {
        return s.idleFor(s.stage() == IpmiSession.Stage.ACTIVE ? timeoutMillis : handshakeTimeoutMillis);
    }
}
