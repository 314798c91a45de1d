package org.passkvm.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tinylog.Logger;

/**
 * The target's sound as Opus packets for every listener. The capture runs on its own thread only while someone
 * listens; when the device fails or is missing the stream says why ("no audio") and tries again every
 * {@code retry}, without touching video. Each packet is {@link #HEADER_BYTES} of capture time (µs since the epoch,
 * big-endian, read when its last samples arrived) followed by one 20 ms Opus packet.
 */
public final class AudioStream implements AutoCloseable {

    public static final int HEADER_BYTES = 8;

    public enum State { IDLE, STARTING, STREAMING, NO_AUDIO }

    /** What health, the API and each socket show. */
    public record Status(String source, String state, String reason, int listeners, long packets, long bytes,
            double encodeMsPerSecond, long skippedChunks) {}

    /** A console listening: it gets packets and every change of state, and must never block. */
    public interface Listener {
        void packet(byte[] packet);

        void status(Status status);
    }

    private final AudioSource source;
    private final int bitrate;
    private final Duration retry;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private Thread capture;
    private volatile boolean closed;
    private volatile State state = State.IDLE;
    private volatile String reason = "";
    private volatile long packets;
    private volatile long bytes;
    private volatile long encodeNanos;
    private volatile long encodedSamples;
    private volatile long skipped;

    /**
     * How far the capture lags the sound card: sound queued in the card's buffer because encoding fell behind (a busy
     * CPU) would otherwise be sent ever later. A read that had to wait means nothing was queued; from there, wall time
     * that grows faster than the sound read is the queue. Beyond {@link #MAX_BEHIND_NS} chunks are read and dropped
     * unencoded (cheap) until the reads wait again: a gap instead of a delay that never shrinks.
     */
    static final class Backlog {
        static final long MAX_BEHIND_NS = 150_000_000L;
        private long base = Long.MIN_VALUE;
        private long frames;

        boolean behindAfter(long asked, long got, int chunkFrames) {
            long chunkNs = chunkFrames * 1_000_000_000L / AudioSource.RATE;
            frames += chunkFrames;
            if (base == Long.MIN_VALUE || got - asked >= chunkNs / 4) {
                base = got - frames * 1_000_000_000L / AudioSource.RATE; // the read waited: caught up
            }
            return got - base - frames * 1_000_000_000L / AudioSource.RATE > MAX_BEHIND_NS;
        }
    }

    public AudioStream(AudioSource source, int bitrate, Duration retry) {
        this.source = source;
        this.bitrate = bitrate;
        this.retry = retry;
    }

    public synchronized void subscribe(Listener l) {
        listeners.add(l);
        l.status(status());
        if (capture == null && !closed) {
            capture = new Thread(this::run, "audio-capture");
            capture.setDaemon(true);
            capture.start();
        }
    }

    public void unsubscribe(Listener l) {
        listeners.remove(l);
    }

    public Status status() {
        double seconds = encodedSamples / (double) AudioSource.RATE;
        return new Status(source.implementation(), state.name().toLowerCase(java.util.Locale.ROOT), reason,
                listeners.size(), packets, bytes, seconds == 0 ? 0 : encodeNanos / 1e6 / seconds, skipped);
    }

    private void run() {
        while (stillWanted()) {
            if (state != State.NO_AUDIO) {
                set(State.STARTING, ""); // while "no audio", retries stay quiet until one works
            }
            try (AudioSource.Capture c = source.open(); OpusEncoder encoder = new OpusEncoder(bitrate)) {
                set(State.STREAMING, "");
                Backlog backlog = new Backlog();
                while (!closed && !listeners.isEmpty()) {
                    long asked = System.nanoTime();
                    short[] samples = c.read();
                    long at = micros(Instant.now());
                    if (backlog.behindAfter(asked, System.nanoTime(), samples.length / AudioSource.CHANNELS)) {
                        skipped++;
                        continue;
                    }
                    long t0 = System.nanoTime();
                    List<byte[]> encoded = encoder.encode(samples);
                    encodeNanos += System.nanoTime() - t0;
                    encodedSamples += samples.length / AudioSource.CHANNELS;
                    for (byte[] opus : encoded) {
                        byte[] packet = ByteBuffer.allocate(HEADER_BYTES + opus.length).putLong(at).put(opus).array();
                        packets++;
                        bytes += opus.length;
                        for (Listener l : listeners) {
                            l.packet(packet);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                if (state != State.NO_AUDIO || !why.equals(reason)) {
                    Logger.warn("Audio: {}", why);
                }
                set(State.NO_AUDIO, why);
                try {
                    Thread.sleep(retry.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** The capture thread ends here when the last listener has left; the check and the exit are one step. */
    private synchronized boolean stillWanted() {
        if (closed || listeners.isEmpty()) {
            capture = null;
            state = State.IDLE;
            reason = "";
            return false;
        }
        return true;
    }

    private void set(State s, String why) {
        if (s == state && why.equals(reason)) {
            return;
        }
        state = s;
        reason = why;
        Status now = status();
        listeners.forEach(l -> l.status(now));
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (capture != null) {
            capture.interrupt();
        }
    }
}
