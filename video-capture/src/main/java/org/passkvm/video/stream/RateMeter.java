package org.passkvm.video.stream;

/** Events per second over the last whole second; counting allocates nothing. */
final class RateMeter {

    private long windowStart = System.nanoTime();
    private long count;
    private long sum;
    private double lastRate;
    private double lastSumRate;

    synchronized void mark(long amount) {
        roll(System.nanoTime());
        count++;
        sum += amount;
    }

    /** Events per second in the last full second. */
    synchronized double rate() {
        roll(System.nanoTime());
        return lastRate;
    }

    /** Sum of the marked amounts per second (bytes → bytes/s). */
    synchronized double sumRate() {
        roll(System.nanoTime());
        return lastSumRate;
    }

    private void roll(long now) {
        long elapsed = now - windowStart;
        if (elapsed >= 1_000_000_000L) {
            boolean stale = elapsed >= 2_000_000_000L; // nothing marked in the last second either
            lastRate = stale ? 0 : count * 1e9 / elapsed;
            lastSumRate = stale ? 0 : sum * 1e9 / elapsed;
            count = 0;
            sum = 0;
            windowStart = now;
        }
    }
}
