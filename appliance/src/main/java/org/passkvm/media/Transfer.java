package org.passkvm.media;

import java.io.Closeable;
import java.io.IOException;

/**
 * One image on its way into the store (an upload or a download). Its bytes go to a hidden temporary file; progress is
 * read by other threads (the listing), written by the one thread that copies.
 */
final class Transfer {

    enum Kind { UPLOAD, FETCH }

    private final ImageName name;
    private final Kind kind;
    private final String source;
    private final long startedNanos = System.nanoTime();
    private volatile long total;
    private volatile long done;
    private volatile boolean cancelled;
    private volatile String abortReason;
    private volatile Closeable onCancel;

    Transfer(ImageName name, Kind kind, long total, String source) {
        this.name = name;
        this.kind = kind;
        this.total = total;
        this.source = source;
    }

    ImageName name() {
        return name;
    }

    Kind kind() {
        return kind;
    }

    String source() {
        return source;
    }

    /** Bytes expected, or -1 when the sender did not say. */
    long total() {
        return total;
    }

    void total(long bytes) {
        total = bytes;
    }

    long done() {
        return done;
    }

    void advance(long bytes) {
        done += bytes; // one writer thread per transfer
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Stops the copy: the copying thread notices at its next block, and a blocked read is woken by closing it. */
    void cancel() {
        cancelled = true;
        Closeable c = onCancel;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the copy loop reports the cancellation
            }
        }
    }

    /** Stops the copy for a reason worth reporting (not a user's cancel), e.g. a stalled server. */
    void abort(String reason) {
        abortReason = reason;
        cancel();
    }

    /** Why the copy was stopped by PassKVM itself; null when a user cancelled or nothing stopped it. */
    String abortReason() {
        return abortReason;
    }

    void onCancel(Closeable c) {
        onCancel = c;
        if (cancelled) {
            cancel();
        }
    }

    ImageInfo.Progress progress() {
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        return new ImageInfo.Progress(done, total < 0 ? null : total, Math.round(done / seconds));
    }
}
