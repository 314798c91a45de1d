package org.passkvm.video.stream;

import java.util.concurrent.TimeUnit;

/**
 * The newest frame, shared by every viewer. A viewer asks for a frame newer than the one it
 * last sent; it gets the newest there is, so whatever was published while it was still writing
 * is skipped, not queued (the way ustreamer serves MJPEG).
 */
public final class FrameHub {

    private EncodedFrame current;
    private long sequence;

    /** Publishes a frame the caller owns; the hub takes over the caller's reference. */
    public void publish(EncodedFrame frame) {
        EncodedFrame old;
        synchronized (this) {
            frame.sequence(++sequence);
            old = current;
            current = frame;
            notifyAll();
        }
        if (old != null) {
            old.release();
        }
    }

    /**
     * The newest frame with a sequence above {@code seen}, retained for the caller (release it),
     * or null when none came within the timeout.
     */
    public EncodedFrame awaitNewer(long seen, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (this) {
            while (current == null || current.sequence() <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return current.retain();
        }
    }

    /** The newest frame retained for the caller, or null before the first. */
    public synchronized EncodedFrame latest() {
        return current == null ? null : current.retain();
    }

    public synchronized long sequence() {
        return sequence;
    }

    /** Drops the held frame (the stream stopped): the next viewer waits for a fresh one. */
    public void clear() {
        EncodedFrame old;
        synchronized (this) {
            old = current;
            current = null;
        }
        if (old != null) {
            old.release();
        }
    }
}
