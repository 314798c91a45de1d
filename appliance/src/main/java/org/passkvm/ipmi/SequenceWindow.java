package org.passkvm.ipmi;

/**
 * Which inbound session sequence numbers are still acceptable: each at most once, and only within
 * 16 of the highest seen (IPMI 2.0, 6.12.13), so a captured packet cannot be replayed later.
 */
final class SequenceWindow {

    private static final int WIDTH = 16;
    private long highest;
    private long seen; // bit i: highest - i was received

    SequenceWindow(long startAfter) {
        this.highest = startAfter;
        this.seen = 1;
    }

    /** Records the number and says whether it may be processed. */
    synchronized boolean accept(long seq) {
        if (seq == 0) {
            return false;
        }
        long delta = seq - highest;
        if (delta > 0) {
            if (delta > WIDTH) {
                return false;
            }
            seen = delta >= 64 ? 1 : (seen << delta) | 1;
            highest = seq;
            return true;
        }
        long back = -delta;
        if (back >= WIDTH || (seen & (1L << back)) != 0) {
            return false;
        }
        seen |= 1L << back;
        return true;
    }
}
