package org.passkvm.video.stream;

import java.util.concurrent.atomic.AtomicInteger;
import org.passkvm.video.SourceState;

/**
 * A pooled buffer holding one encoded picture (a whole JPEG, or one H.264 access unit). Readers
 * retain it while they write it out and release it after, so the pool can reuse the buffer:
 * memory is bounded by the number of readers, not by how far behind they are.
 */
public final class EncodedFrame {

    private final FramePool pool;
    private final AtomicInteger refs = new AtomicInteger();
    private byte[] data;
    private int length;
    private int width;
    private int height;
    private long captureNanos;
    private long sequence;
    private long publishedNanos;
    private boolean keyframe;
    private SourceState state = SourceState.STREAMING;

    EncodedFrame(FramePool pool, int capacity) {
        this.pool = pool;
        this.data = new byte[capacity];
    }

    /** Makes room for {@code size} bytes, keeping nothing; grows by half again to avoid creeping reallocations. */
    public byte[] buffer(int size) {
        if (data.length < size) {
            data = new byte[size + size / 2];
        }
        length = size;
        return data;
    }

    public EncodedFrame describe(int width, int height, long captureNanos, boolean keyframe, SourceState state) {
        this.width = width;
        this.height = height;
        this.captureNanos = captureNanos;
        this.keyframe = keyframe;
        this.state = state;
        return this;
    }

    public byte[] data() {
        return data;
    }

    public int length() {
        return length;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public long captureNanos() {
        return captureNanos;
    }

    public long sequence() {
        return sequence;
    }

    void sequence(long sequence) {
        this.sequence = sequence;
        this.publishedNanos = System.nanoTime();
    }

    /** When the hub got it (after encoding): publish-to-socket is the fan-out's own latency. */
    public long publishedNanos() {
        return publishedNanos;
    }

    public boolean keyframe() {
        return keyframe;
    }

    public SourceState state() {
        return state;
    }

    public EncodedFrame retain() {
        refs.incrementAndGet();
        return this;
    }

    public void release() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            pool.recycle(this);
        } else if (left < 0) {
            throw new IllegalStateException("frame released more often than retained");
        }
    }

    int refs() {
        return refs.get();
    }
}
