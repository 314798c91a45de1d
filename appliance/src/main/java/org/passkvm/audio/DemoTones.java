package org.passkvm.audio;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulated target's sound: silence, and a short beep for every key it receives, so a new user hears the whole
 * loop (keyboard → target → audio → browser) without hardware. Chunks come at the pace of the wall clock, as from
 * a real sound card.
 */
public final class DemoTones implements AudioSource {

    public static final int TONE_HZ = 880;
    static final int TONE_MS = 120;
    private static final int CHUNK = RATE / 50; // 20 ms
    private static final int FADE = RATE / 200; // 5 ms ramps: no clicks

    /** Samples of tone still to play, counted down by the capture. */
    private final AtomicLong pending = new AtomicLong();

    @Override
    public String implementation() {
        return "demo";
    }

    /** The target received a key press. */
    public void keyPressed() {
        pending.set(RATE * TONE_MS / 1000);
    }

    @Override
    public Capture open() {
        return new Capture() {
            private final long start = System.nanoTime();
            private long chunks;
            private long phase;

            @Override
            public short[] read() {
                long due = start + (chunks + 1) * 20_000_000L;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                chunks++;
                short[] out = new short[CHUNK * CHANNELS];
                long left = pending.getAndUpdate(p -> Math.max(0, p - CHUNK));
                int total = RATE * TONE_MS / 1000;
                for (int i = 0; i < CHUNK && left > 0; i++, left--) {
                    long done = total - left;
                    double gain = Math.min(1.0, Math.min(done, left) / (double) FADE) * 0.4;
                    short s = (short) (Math.sin(2 * Math.PI * TONE_HZ * phase++ / RATE) * gain * Short.MAX_VALUE);
                    out[i * 2] = s;
                    out[i * 2 + 1] = s;
                }
                return out;
            }

            @Override
            public void close() {}
        };
    }
}
