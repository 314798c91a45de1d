package org.passkvm.video;

/**
 * A capture device or the simulated target's screen. The stream pipeline opens it only while
 * somebody watches, grabs frames on one thread and closes it when the last viewer leaves.
 */
public interface VideoSource extends AutoCloseable {

    /** Short name shown in /api/health: "v4l2", "demo". */
    String kind();

    /** Opens the device; throws with the reason the stream should show when it cannot. */
    void open() throws SourceException;

    /**
     * Blocks until the next frame and returns the newest the device holds (older ones waiting are
     * passed over, so a slow consumer never shows a stale picture). The returned frame (and its
     * buffer) belongs to the source and stays valid only until the next call to grab or close:
     * copy what must outlive it.
     */
    RawFrame grab() throws SourceException;

    /** Frames the last {@link #grab} passed over because a newer one was already waiting. */
    default int skipped() {
        return 0;
    }

    @Override
    void close();
}
