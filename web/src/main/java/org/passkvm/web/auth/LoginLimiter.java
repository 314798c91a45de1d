package org.passkvm.web.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code maxFailures} failed logins from one address or for one
 * user within the window, further attempts are refused until a lockout passes; every further
 * failure doubles the lockout, up to an hour.
 */
public final class LoginLimiter {

    private record Failures(int count, Instant first, Instant lockedUntil) {}

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final Duration window;
    private final Duration lockout;
    private final Clock clock;

    public LoginLimiter(int maxFailures, Duration window, Duration lockout, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.lockout = lockout;
        this.clock = clock;
    }

    /** How long the caller must wait, or zero when it may try. */
    public Duration retryAfter(String address, String user) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (String key : keys(address, user)) {
            Failures f = failures.get(key);
            if (f != null && f.lockedUntil() != null && now.isBefore(f.lockedUntil())) {
                Duration d = Duration.between(now, f.lockedUntil());
                wait = d.compareTo(wait) > 0 ? d : wait;
            }
        }
        return wait;
    }

    public void failed(String address, String user) {
        Instant now = clock.instant();
        for (String key : keys(address, user)) {
            failures.compute(key, (k, f) -> {
                if (f == null || now.isAfter(f.first().plus(window)) && f.lockedUntil() == null) {
                    f = new Failures(0, now, null);
                }
                int count = f.count() + 1;
                Instant until = null;
                if (count >= maxFailures) {
                    long factor = 1L << Math.min(12, count - maxFailures);
                    Duration d = lockout.multipliedBy(factor);
                    until = now.plus(d.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : d);
                }
                return new Failures(count, f.first(), until);
            });
        }
    }

    public void succeeded(String address, String user) {
        for (String key : keys(address, user)) {
            failures.remove(key);
        }
    }

    private static String[] keys(String address, String user) {
        return new String[] {"addr:" + address, "user:" + (user == null ? "" : user)};
    }
}
