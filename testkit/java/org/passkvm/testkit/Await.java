package org.passkvm.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waiting in tests for something to happen, the one way: poll a condition (or a value) until it holds or a deadline
 * passes, then fail naming what was awaited and the last value seen. Polls at once, then every few milliseconds,
 * backing off to {@link #DEFAULT_MAX_INTERVAL} (or the interval given to {@link #every}), so a quick event costs no
 * fixed sleep and a slow probe (an HTTP call, a {@code dd}) is not hammered.
 *
 * <p>Runs in the surefire JVM and in a JVM inside the test VM alike (the testkit is on the test classpath).
 * An exception thrown by the probe is not "not yet": it ends the wait and fails with the probe's exception as cause.
 */
public final class Await {

    /** What a condition or probe may throw: tests often ask an API, a file or a process. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    private static final Duration FIRST_INTERVAL = Duration.ofMillis(5);
    static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMillis(100);
    private static final Await DEFAULT = new Await(DEFAULT_MAX_INTERVAL);

    private final Duration maxInterval;

    private Await(Duration maxInterval) {
        this.maxInterval = maxInterval;
    }

    /** Polling no more often than every {@code interval} once the first quick polls are spent: for costly probes. */
    public static Await every(Duration interval) {
        return new Await(Objects.requireNonNull(interval));
    }

    /** Returns as soon as {@code condition} holds; fails if it does not within {@code within}. */
    public static void until(Duration within, Condition condition, String what) {
        DEFAULT.untilHolds(within, condition, what);
    }

    /**
     * Returns the first value of {@code probe} that {@code done} accepts; fails if none does within {@code within},
     * naming the last value seen.
     */
    public static <T> T value(Duration within, Probe<T> probe, Predicate<? super T> done, String what) {
        return DEFAULT.valueOf(within, probe, done, what);
    }

    /**
     * Whether {@code condition} came to hold within {@code within}, for callers that assert on the answer themselves.
     * Prefer {@link #until}, whose failure says what was awaited.
     */
    public static boolean holds(Duration within, Condition condition) {
        try {
            DEFAULT.untilHolds(within, condition, "condition");
            return true;
        } catch (TimedOut e) {
            return false;
        }
    }

    public void untilHolds(Duration within, Condition condition, String what) {
        valueOf(within, condition::holds, Boolean.TRUE::equals, what);
    }

    public <T> T valueOf(Duration within, Probe<T> probe, Predicate<? super T> done, String what) {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        long interval = Math.min(FIRST_INTERVAL.toNanos(), maxInterval.toNanos());
        int polls = 0;
        T last;
        while (true) {
            polls++;
            try {
                last = probe.get();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                throw new AssertionError("waiting for " + what + ": " + e, e);
            }
            if (done.test(last)) {
                return last;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new TimedOut(String.format("%s: not within %s (%d polls over %d ms); %s", what, pretty(within),
                    polls, (now - start) / 1_000_000, last instanceof Boolean ? "still " + last : "last seen: " + last));
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(interval, deadline - now)); // the one polling pause of the tests
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            interval = Math.min(interval * 2, maxInterval.toNanos());
        }
    }

    private static String pretty(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The failure of a wait that ran out of time. */
    public static final class TimedOut extends AssertionError {
        TimedOut(String message) {
            super(message);
        }
    }
}
