package org.passkvm.video.stream;

import java.util.ArrayDeque;

/**
 * Recycles frame buffers. A buffer comes back when its last reader lets go, so the pool holds
 * about (readers + 2) buffers however slow the readers are; frames never pile up.
 */
public final class FramePool {

    private final ArrayDeque<EncodedFrame> free = new ArrayDeque<>();
    private final int initialCapacity;
    private int created;

    public FramePool(int initialCapacity) {
        this.initialCapacity = initialCapacity;
    }

    /** A frame owned by the caller (one reference), to be filled and published or released. */
    public EncodedFrame take() {
        EncodedFrame f;
        synchronized (free) {
            f = free.pollFirst();
            if (f == null) {
                created++;
            }
        }
        if (f == null) {
            f = new EncodedFrame(this, initialCapacity);
        }
        return f.retain();
    }

    void recycle(EncodedFrame f) {
        synchronized (free) {
            free.addFirst(f); // the warmest buffer first
        }
    }

    /** Buffers ever created: stays flat while the stream runs, whatever the clients do. */
    public int created() {
        synchronized (free) {
            return created;
        }
    }
}
