package org.passkvm.audio;

import java.io.IOException;

/** Where the console's microphone goes: the USB gadget's sound card, or (in tests) a recording. */
public interface MicrophoneSink {

    /** Whether the device is there now (checked for the status, before any session opens it). */
    boolean present();

    /** What the status names when it is not there, e.g. {@code hw:UAC2Gadget,0}. */
    String device();

    /** Opens the output for one microphone session; an {@link IOException}'s message is the state's reason. */
    Output open() throws IOException;

    /** One open output, written by one thread. */
    interface Output extends AutoCloseable {
        /** Interleaved 48 kHz stereo 16-bit samples; blocks while the device's buffer is full. */
        void write(short[] samples) throws IOException;

        @Override
        void close();
    }
}
