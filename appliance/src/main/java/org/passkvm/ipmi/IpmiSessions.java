package org.passkvm.ipmi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The session table. Established sessions are bounded by {@code capacity}; half-made handshakes,
 * which anyone can open without a password, have their own small bound and a short timeout, so a
 * flood of them can never lock out the real users, whose handshakes take milliseconds:
 * <ul>
 * <li>a source (an IP address) holds at most {@link #HALF_OPEN_PER_SOURCE}; its next one replaces
 * its own oldest, so a flooder only churns its own;
 * <li>all sources together hold at most {@link #HALF_OPEN}; when full, a handshake that has not
 * reached RAKP 1 goes first (a blind, spoofed flood never gets further), from the source holding
 * the most, the one idle longest;
 * <li>a handshake idle for {@link #HANDSHAKE_TIMEOUT} goes.
 * </ul>
 * Only a table full of established sessions answers "insufficient resources".
 */
final class IpmiSessions {

    static final int HALF_OPEN = 128;
    static final int HALF_OPEN_PER_SOURCE = 4;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<Integer, IpmiSession> byId = new ConcurrentHashMap<>();
    private final int capacity;
    private final long timeoutMillis;
    private final long handshakeTimeoutMillis;
    private final Clock clock;
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
        expire();
        if (active() >= capacity) {
            return Optional.empty();
        }
        if (stage != IpmiSession.Stage.ACTIVE) {
            makeRoomForHandshake(peer.getAddress());
        }
        int id;
        IpmiSession s;
        do {
            id = RANDOM.nextInt();
            s = new IpmiSession(id, peer, consoleId, suite, rmcpPlus, stage, clock);
        } while (id == 0 || byId.putIfAbsent(id, s) != null);
        return Optional.of(s);
    }

    private void makeRoomForHandshake(InetAddress source) {
        List<IpmiSession> halfOpen = byId.values().stream().filter(s -> s.stage() != IpmiSession.Stage.ACTIVE).toList();
        Comparator<IpmiSession> idlest = Comparator.comparingLong(IpmiSession::idleMillis);
        List<IpmiSession> own = halfOpen.stream().filter(s -> s.peer.getAddress().equals(source)).toList();
        if (own.size() >= HALF_OPEN_PER_SOURCE) {
            own.stream().max(idlest).ifPresent(this::drop);
        } else if (halfOpen.size() >= HALF_OPEN) {
            Map<InetAddress, Long> held = halfOpen.stream()
                    .collect(Collectors.groupingBy(s -> s.peer.getAddress(), Collectors.counting()));
            halfOpen.stream().max(Comparator.<IpmiSession>comparingInt(s -> s.stage() == IpmiSession.Stage.OPENED ? 1 : 0)
                    .thenComparingLong(s -> held.get(s.peer.getAddress()))
                    .thenComparing(idlest)).ifPresent(this::drop);
        }
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

    int active() {
        return (int) byId.values().stream().filter(s -> s.stage() == IpmiSession.Stage.ACTIVE).count();
    }

    int size() {
        return byId.size();
    }

    void expire() {
        byId.values().stream().filter(this::expired).toList().forEach(this::drop);
    }

    private void drop(IpmiSession s) {
        if (byId.remove(s.bmcId, s) && s.settleLogin()) {
            abandoned.accept(s);
        }
    }

    private boolean expired(IpmiSession s) {
        return s.idleFor(s.stage() == IpmiSession.Stage.ACTIVE ? timeoutMillis : handshakeTimeoutMillis);
    }
}
