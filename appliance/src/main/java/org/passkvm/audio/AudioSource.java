package org.passkvm.audio;

import java.io.IOException;

/**
 * Where the target's sound comes from. Every source delivers the same PCM: {@link #RATE} Hz, {@link #CHANNELS}
 * channels, interleaved signed 16-bit, so the encoder and the browser never renegotiate.
 */
public interface AudioSource {

    int RATE = 48_000;
    int CHANNELS = 2;

    /** Shown in health and the API: {@code alsa}, {@code demo}. */
    String implementation();

    /** Starts capturing; an {@link IOException}'s message is the "no audio" reason the console shows. */
    Capture open() throws IOException;

    /** One running capture, read by one thread. */
    interface Capture extends AutoCloseable {
        /** The next chunk of interleaved samples, blocking until it is there; fails when the device goes away. */
        short[] read() throws IOException;

        @Override
        void close();
    }
}
