package org.passkvm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;

/** The audio stream captures only while someone listens, says "no audio" with the reason, and recovers by itself. */
class AudioStreamTest {

    /** A sound card that can be unplugged: 20 ms of silence per read while present. */
    static final class Card implements AudioSource {
        final AtomicBoolean present = new AtomicBoolean(true);
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();

        @Override
        public String implementation() {
            return "test";
        }

        @Override
        public Capture open() throws IOException {
            if (!present.get()) {
                throw new IOException("no audio device: the test card is unplugged");
            }
            opened.incrementAndGet();
            open.incrementAndGet();
            return new Capture() {
                @Override
                public short[] read() throws IOException {
                    if (!present.get()) {
                        throw new IOException("audio device went away");
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    return new short[OpusEncoder.FRAME_SAMPLES * CHANNELS];
                }

                @Override
                public void close() {
                    open.decrementAndGet();
                }
            };
        }
    }

    static final class Ear implements AudioStream.Listener {
        final List<byte[]> packets = new CopyOnWriteArrayList<>();
        final List<String> states = new CopyOnWriteArrayList<>();

        @Override
        public void packet(byte[] packet) {
            packets.add(packet);
        }

        @Override
        public void status(AudioStream.Status status) {
            states.add(status.state() + (status.reason().isEmpty() ? "" : ": " + status.reason()));
        }
    }

    @Test
    void capturesOnlyWhileSomeoneListens() throws Exception {
        Card card = new Card();
        try (AudioStream stream = new AudioStream(card, 64_000, Duration.ofMillis(50))) {
            Thread.sleep(200);
            assertThat(card.opened.get()).isZero();
            Ear ear = new Ear();
            stream.subscribe(ear);
            Await.until(Duration.ofSeconds(10), () -> ear.packets.size() >= 5, "packets");
            long captured = ByteBuffer.wrap(ear.packets.get(4)).getLong();
            assertThat(Math.abs(captured - AudioStream.micros(Instant.now()))).as("capture time in µs").isLessThan(5_000_000);
            assertThat(stream.status().state()).isEqualTo("streaming");
            stream.unsubscribe(ear);
            Await.until(Duration.ofSeconds(5), () -> card.open.get() == 0 && stream.status().state().equals("idle"), "capture closed");
        }
    }

    @Test
    void anUnpluggedCardIsNoAudioWithItsReasonAndComesBack() throws Exception {
        Card card = new Card();
        try (AudioStream stream = new AudioStream(card, 64_000, Duration.ofMillis(50))) {
            Ear ear = new Ear();
            stream.subscribe(ear);
            Await.until(Duration.ofSeconds(10), () -> ear.packets.size() >= 3, "packets");
            card.present.set(false);
            // First "went away" (the read fails), then, trying again, why the card cannot be opened.
            Await.until(Duration.ofSeconds(5), () -> stream.status().state().equals("no_audio")
                    && stream.status().reason().contains("unplugged"), "no audio, and why");
            assertThat(ear.states).anyMatch(s -> s.startsWith("no_audio: "));
            int before = ear.packets.size();
            card.present.set(true);
            Await.until(Duration.ofSeconds(5), () -> ear.packets.size() > before + 3, "packets again");
            assertThat(stream.status().state()).isEqualTo("streaming");
            assertThat(ear.states.get(ear.states.size() - 1)).isEqualTo("streaming");
            stream.unsubscribe(ear);
        }
    }

    @Test
    void soundQueuedBehindABusyEncoderIsSkippedNotSentLate() {
        AudioStream.Backlog backlog = new AudioStream.Backlog();
        long ms = 1_000_000L;
        long t = 0;
        // Caught up: each 20 ms read waits for its sound.
        for (int i = 0; i < 10; i++) {
            assertThat(backlog.behindAfter(t, t + 19 * ms, 960)).isFalse();
            t += 20 * ms;
        }
        // The encoder stalls for 400 ms; the card queued 20 chunks meanwhile, which now come without waiting.
        t += 400 * ms;
        int dropped = 0;
        for (int i = 0; i < 20; i++) {
            if (backlog.behindAfter(t, t + ms / 10, 960)) {
                dropped++;
            }
            t += ms / 5;
        }
        assertThat(dropped).as("the queue beyond 150 ms is dropped").isBetween(10, 13);
        // Caught up again: the next read waits, and nothing more is dropped.
        assertThat(backlog.behindAfter(t, t + 19 * ms, 960)).isFalse();
    }
}
