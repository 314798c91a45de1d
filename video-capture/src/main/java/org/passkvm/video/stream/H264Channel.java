package org.passkvm.video.stream;

import org.passkvm.video.RawFrame;

/** The H.264 side of the stream: fed raw frames on the capture thread while it has clients. */
public interface H264Channel extends AutoCloseable {

    /** Called with a callback that wakes the capture thread when the first client arrives. */
    void attach(Runnable wake);

    int clients();

    /** Encodes and fans out one frame; called on the capture thread only. */
    void offer(RawFrame frame);

    String encoderName();

    double fps();

    /** Frames a second the encoder is held to for the current picture, 0 = no cap of its own. */
    default double maxFps() {
        return 0;
    }

    long bitrate();

    /** Buffers ever allocated for access units. */
    int buffersCreated();

    @Override
    void close();
}
