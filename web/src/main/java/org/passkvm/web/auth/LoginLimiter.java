package org.passkvm.web.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Slows password guessing without handing anyone a way to lock the owner out. Failures are
 * counted per <em>source</em> (an IPv4 address, or an IPv6 /64, which one attacker usually owns
 * whole) and per source and user name: {@code perUser} failures for one user from one source lock
 * that user out <em>for that source only</em>; {@code perSource} failures for any users lock the
 * source out entirely. The right password from another source always works. Each further failure
 * while a record stands doubles its lockout, up to {@link #MAX_LOCKOUT}; a record is forgotten
 * after a quiet window with no lockout running.
 *
 * <p>There is one limiter per appliance, and every way in uses it: the console login and HTTP
 * Basic ({@link AuthGate}), the current-password check of a password change, Redfish session
 * logins, IPMI (RAKP and IPMI 1.5) and, when there is one, VNC. Request/response protocols call
 * {@link #attempt}; protocols whose proof arrives later (IPMI's handshake) call
 * {@link #retryAfter}, then {@link #failed} or {@link #succeeded}.
 */
public final class LoginLimiter {

    /** The longest lockout the doubling reaches. */
    public static final Duration MAX_LOCKOUT = Duration.ofHours(1);
    /** Records kept at most; past it, forgettable ones go first, then the oldest unlocked ones. */
    static final int MAX_TRACKED = 20_000;
    /** User names are cut to this length before they become keys: attackers choose them. */
    static final int MAX_NAME = 64;

    /** What a checked login came to. */
    public sealed interface Attempt<T> {
        /** The credentials were right. */
        record Ok<T>(T value) implements Attempt<T> {}

        /** The credentials were wrong; counted. */
        record Failed<T>() implements Attempt<T> {}

        /** Not checked at all: this source must wait {@code retryAfter} for this user. */
        record Locked<T>(Duration retryAfter) implements Attempt<T> {}
    }

    /** {@code last}: the latest failure, from which the quiet window runs. */
    private record Failures(int count, Instant last, Instant lockedUntil) {
        boolean locked(Instant now) {
            return lockedUntil != null && now.isBefore(lockedUntil);
        }

        /** Nothing to remember: no lockout running and the window since the last event has passed. */
        boolean forgettable(Instant now, Duration window) {
            Instant end = lockedUntil != null && lockedUntil.isAfter(last) ? lockedUntil : last;
            return now.isAfter(end.plus(window));
        }
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final int perUser;
    private final int perSource;
    private final Duration window;
    private final Duration lockout;
    private final Clock clock;
    private volatile BiConsumer<String, String> onFailure = (source, user) -> {};

    /** {@code maxFailures} per user and source; four times as many per source for any users. */
    public LoginLimiter(int maxFailures, Duration window, Duration lockout, Clock clock) {
        this(maxFailures, 4 * maxFailures, window, lockout, clock);
    }

    public LoginLimiter(int perUser, int perSource, Duration window, Duration lockout, Clock clock) {
        if (perUser < 1 || perSource < perUser) {
            throw new IllegalArgumentException("need 1 <= perUser <= perSource");
        }
        this.perUser = perUser;
        this.perSource = perSource;
        this.window = window;
        this.lockout = lockout;
        this.clock = clock;
    }

    /** Tells {@code listener} (the audit log) of every failure counted, with the source and user name as given. */
    public void onFailure(BiConsumer<String, String> listener) {
        this.onFailure = listener;
    }

    /**
     * The one call for a request/response login (HTTP Basic, Redfish, a future VNC server): refuses
     * while locked without running {@code check}, else runs it and counts the outcome.
     *
     * @param source the peer's IP address as text
     * @param user the user name as sent (VNC, which has none: the empty string)
     * @param check the password check; empty when the credentials are wrong
     */
    public <T> Attempt<T> attempt(String source, String user, Supplier<Optional<T>> check) {
        Duration wait = retryAfter(source, user);
        if (!wait.isZero()) {
            return new Attempt.Locked<>(wait);
        }
        Optional<T> ok = check.get();
        if (ok.isEmpty()) {
            failed(source, user);
            return new Attempt.Failed<>();
        }
        succeeded(source, user);
        return new Attempt.Ok<>(ok.get());
    }

    /** How long {@code source} must wait before trying {@code user}, or zero when it may try now. */
    public Duration retryAfter(String source, String user) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (String key : keys(source, user)) {
            Failures f = failures.get(key);
            if (f != null && f.locked(now)) {
                Duration d = Duration.between(now, f.lockedUntil());
                wait = d.compareTo(wait) > 0 ? d : wait;
            }
        }
        return wait;
    }

    public void failed(String source, String user) {
        Instant now = clock.instant();
        String[] keys = keys(source, user);
        count(keys[0], perSource, now);
        count(keys[1], perUser, now);
        if (failures.size() > MAX_TRACKED) {
            prune(now);
        }
        onFailure.accept(source, user);
    }

    /**
     * The right credentials: forgets this source's failures for this user. The source's own count
     * stays, or one valid account would let a source reset it while it sprays others.
     */
    public void succeeded(String source, String user) {
        failures.remove(keys(source, user)[1]);
    }

    /** Records held (tests: the table stays bounded). */
    int tracked() {
        return failures.size();
    }

    private void count(String key, int limit, Instant now) {
        failures.compute(key, (k, f) -> {
            if (f == null || f.forgettable(now, window)) {
                f = new Failures(0, now, null);
            }
            int count = f.count() + 1;
            Instant until = f.lockedUntil();
            if (count >= limit) {
                long factor = 1L << Math.min(20, count - limit);
                Duration d = lockout.multipliedBy(factor);
                until = now.plus(d.compareTo(MAX_LOCKOUT) > 0 ? MAX_LOCKOUT : d);
            }
            return new Failures(count, now, until);
        });
    }

    /** Drops forgettable records, then, if still too many, the unlocked ones idle longest, down to 90 %. */
    private synchronized void prune(Instant now) {
        if (failures.size() <= MAX_TRACKED) {
            return;
        }
        failures.values().removeIf(f -> f.forgettable(now, window));
        int excess = failures.size() - MAX_TRACKED * 9 / 10;
        if (excess > 0) {
            failures.entrySet().stream().filter(e -> !e.getValue().locked(now))
                    .sorted(Comparator.comparing(e -> e.getValue().last()))
                    .limit(excess).map(Map.Entry::getKey).toList()
                    .forEach(failures::remove);
        }
    }

    private static String[] keys(String source, String user) {
        String s = source(source);
        String u = user == null ? "" : user.length() > MAX_NAME ? user.substring(0, MAX_NAME) : user;
        return new String[] {s, s + "\u0000" + u};
    }

    /** The key of a peer address: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64. */
    static String source(String address) {
        if (address == null || address.isEmpty()) {
            return "?";
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (a.isEmpty() || !a.chars().allMatch(c -> c < 0x80 && (Character.digit(c, 16) >= 0 || c == '.' || c == ':'))) {
            return a.length() > MAX_NAME ? a.substring(0, MAX_NAME) : a; // not an IP literal: never resolve names
        }
        try {
            byte[] b = InetAddress.getByName(a).getAddress(); // a literal: no lookup
            if (b.length == 4) {
                return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString((b[i] & 0xFF) << 8 | b[i + 1] & 0xFF)).append(':');
            }
            return sb.append(":/64").toString();
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
