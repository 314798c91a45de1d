package org.passkvm.hid.jiggle;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.passkvm.hid.HidInput;

/**
 * Nudges the target's mouse once per interval while on ({@link HidInput#nudge}: about a pixel and back), so its
 * screensaver and idle lock stay away. It runs in the appliance, not the browser: it works with no console open. It
 * pauses while a person uses the mouse: a nudge comes only after a whole interval without their moves or clicks.
 */
public final class Jiggler implements AutoCloseable {

    public static final int MIN_INTERVAL_SECONDS = 5;
    public static final int MAX_INTERVAL_SECONDS = 3600;

    /** What the console shows: on or off, every how many seconds, and whether a person's mouse use holds it back now. */
    public record State(boolean enabled, int intervalSeconds, boolean paused, long nudges) {}

    private final HidInput input;
    private final ScheduledExecutorService timer;
    private boolean enabled;
    private int intervalSeconds;
    private long lastNudgeNanos;
    private long nudges;

    /** A jiggler that is not ticking by itself: {@link #tick} drives it (tests). */
    public Jiggler(HidInput input, boolean enabled, int intervalSeconds) {
        this(input, enabled, intervalSeconds, null);
    }

    private Jiggler(HidInput input, boolean enabled, int intervalSeconds, ScheduledExecutorService timer) {
        this.input = input;
        this.timer = timer;
        set(enabled, intervalSeconds);
        lastNudgeNanos = System.nanoTime();
    }

    /** Starts checking once a second. */
    public static Jiggler start(HidInput input, boolean enabled, int intervalSeconds) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jiggler");
            t.setDaemon(true);
            return t;
        });
        Jiggler j = new Jiggler(input, enabled, intervalSeconds, timer);
        timer.scheduleWithFixedDelay(() -> j.tick(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
        return j;
    }

    /** Turns it on or off and sets its interval; the next nudge is a whole interval away. */
    public synchronized State set(boolean on, int seconds) {
        if (seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
            throw new IllegalArgumentException("interval must be from " + MIN_INTERVAL_SECONDS + " to " + MAX_INTERVAL_SECONDS
                    + " seconds, got " + seconds);
        }
        enabled = on;
        intervalSeconds = seconds;
        lastNudgeNanos = System.nanoTime();
        return state(System.nanoTime());
    }

    /** Nudges when on and neither a person nor the jiggler moved the mouse for a whole interval. */
    public synchronized void tick(long nowNanos) {
        if (!enabled) {
            return;
        }
        long interval = TimeUnit.SECONDS.toNanos(intervalSeconds);
        long quiet = nowNanos - Math.max(input.lastPointerNanos(), lastNudgeNanos);
        if (quiet >= interval) {
            input.nudge();
            lastNudgeNanos = nowNanos;
            nudges++;
        }
    }

    public synchronized State state() {
        return state(System.nanoTime());
    }

    private State state(long nowNanos) {
        boolean paused = enabled && nowNanos - input.lastPointerNanos() < TimeUnit.SECONDS.toNanos(intervalSeconds);
        return new State(enabled, intervalSeconds, paused, nudges);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
