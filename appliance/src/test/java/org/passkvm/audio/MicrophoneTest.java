package org.passkvm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;

/** The microphone's path inside PassKVM: Opus packets in, the decoded sound into the card, bounded, one console. */
class MicrophoneTest {

    /** A sound card that keeps what it is given; {@code stuck} makes writes block, as a card nobody reads does. */
    static final class Card implements MicrophoneSink {
        volatile boolean present = true;
        final List<Short> played = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch stuck = new CountDownLatch(1);
        volatile boolean blocking;
        /**
         * Writes fail as the gadget's card's do while the target records nothing: its buffer (a third of a second) takes
         * sound after each opening, then ALSA's write times out (EIO).
         */
        volatile boolean unread;
        private int buffered;
        volatile int opened;
        volatile int closed;

        @Override
        public boolean present() {
            return present;
        }

        @Override
        public String device() {
            return "hw:UAC2Gadget,0";
        }

        @Override
        public Output open() throws IOException {
            if (!present) {
                throw new IOException("no sound card for hw:UAC2Gadget,0");
            }
            opened++;
            buffered = 0;
            return new Output() {
                @Override
                public void write(short[] samples) throws IOException {
                    buffered += samples.length / 2;
                    if (unread && buffered > 16_000) {
                        throw new IOException("writing to hw:UAC2Gadget,0 failed: Input/output error");
                    }
                    if (blocking) {
                        try {
                            stuck.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    for (short s : samples) {
                        played.add(s);
                    }
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }

    /** Sends the packets as console-1, about in real time (a 20 ms packet every 15 ms), running {@code each} after each. */
    static void speak(Microphone mic, List<byte[]> packets, Runnable each) throws InterruptedException {
        for (byte[] p : packets) {
            mic.packet("console-1", p);
            each.run();
            Thread.sleep(15);
        }
    }

    static void speak(Microphone mic, List<byte[]> packets) throws InterruptedException {
        speak(mic, packets, () -> { });
    }

    static List<byte[]> opus(double hz, int millis) throws IOException {
        int n = AudioSource.RATE * millis / 1000;
        short[] pcm = new short[n * 2];
        for (int i = 0; i < n; i++) {
            short v = (short) Math.round(12_000 * Math.sin(2 * Math.PI * hz * i / AudioSource.RATE));
            pcm[2 * i] = v;
            pcm[2 * i + 1] = v;
        }
        try (OpusEncoder encoder = new OpusEncoder(64_000)) {
            return encoder.encode(pcm);
        }
    }

    @Test
    void theConsolesSoundIsDecodedIntoTheCardAndTheCardClosesWhenTheConsoleStops() throws Exception {
        Card card = new Card();
        try (Microphone mic = Microphone.into(card)) {
            assertThat(mic.status().state()).isEqualTo("idle");
            assertThat(mic.begin("console-1")).isTrue();
            assertThat(mic.status().state()).isEqualTo("streaming");
            speak(mic, opus(440, 1000)); // about real time: the queue holds 200 ms
            Await.until(Duration.ofSeconds(10), () -> card.played.size() >= 2 * 48_000 * 8 / 10, "the card played the second");
            double[] left;
            synchronized (card.played) {
                left = new double[card.played.size() / 2];
                for (int i = 0; i < left.length; i++) {
                    left[i] = card.played.get(2 * i) / 32768.0;
                }
            }
            assertThat(Tone.dominantHz(java.util.Arrays.copyOfRange(left, left.length / 4, left.length), 48_000))
                    .isCloseTo(440.0, Percentage.withPercentage(2));
            mic.end("console-1");
            Await.until(Duration.ofSeconds(5), () -> card.closed == 1, "the card is closed");
            assertThat(mic.status().state()).isEqualTo("idle");
        }
    }

    @Test
    void oneConsoleAtATime() {
        try (Microphone mic = Microphone.into(new Card())) {
            assertThat(mic.begin("console-1")).isTrue();
            assertThat(mic.begin("console-2")).isFalse();
            mic.packet("console-2", new byte[] {1, 2, 3});
            assertThat(mic.status().packets()).isZero();
            mic.end("console-1");
            assertThat(mic.begin("console-2")).isTrue();
        }
    }

    @Test
    void aCardThatTakesNothingMakesTheMicrophoneDropPacketsNotQueueThem() throws Exception {
        Card card = new Card();
        card.blocking = true;
        try (Microphone mic = Microphone.into(card)) {
            mic.begin("console-1");
            List<byte[]> packets = opus(440, 2000);
            for (byte[] p : packets) {
                mic.packet("console-1", p);
            }
            Microphone.Status s = mic.status();
            assertThat(s.packets()).isEqualTo(packets.size());
            // At most the queue plus the one packet the stuck writer holds are kept.
            assertThat(s.dropped()).isGreaterThanOrEqualTo(packets.size() - Microphone.QUEUE - 1L);
            card.stuck.countDown();
        }
    }

    @Test
    void aTargetThatRecordsNothingIsSaidSoAndItsFirstRecordingGetsTheSound() throws Exception {
        Card card = new Card();
        card.unread = true;
        try (Microphone mic = Microphone.into(card)) {
            mic.begin("console-1");
            List<byte[]> second = opus(440, 1000);
            speak(mic, second);
            Await.until(Duration.ofSeconds(5), () -> mic.status().state().equals("not_recording"), "not recording is said");
            assertThat(mic.status().reason()).contains("not recording from the USB microphone");
            // Each retry's opening fills the card's buffer before writes block again: that is not the target
            // recording, and the state does not flap back to streaming for it.
            java.util.Set<String> states = new java.util.HashSet<>();
            for (int round = 0; round < 2; round++) {
                speak(mic, second, () -> states.add(mic.status().state()));
            }
            assertThat(states).containsOnly("not_recording");
            int opened = card.opened;
            // Retried once a second, not once a packet: a card nobody reads is not hammered.
            assertThat(opened).isBetween(2, 5);

            card.unread = false;
            card.played.clear();
            for (int i = 0; i < 4; i++) {
                speak(mic, second);
                if (!card.played.isEmpty()) {
                    break;
                }
            }
            Await.until(Duration.ofSeconds(5), () -> !card.played.isEmpty(), "the sound reaches the card once it is read");
            // streaming once more sound went in than the buffer holds (a second of it)
            for (int i = 0; i < 4 && !mic.status().state().equals("streaming"); i++) {
                speak(mic, second);
            }
            assertThat(mic.status().state()).isEqualTo("streaming");
            assertThat(mic.status().reason()).isNull();
        }
    }

    @Test
    void withoutTheCardOrTheGadgetTheStateSaysWhy() {
        Card card = new Card();
        card.present = false;
        try (Microphone mic = Microphone.into(card)) {
            assertThat(mic.status().state()).isEqualTo("no_uac2_card");
            assertThat(mic.status().reason()).contains("UAC2");
        }
        try (Microphone off = Microphone.unavailable(Microphone.State.OFF, "the microphone is off")) {
            assertThat(off.status().state()).isEqualTo("off");
            assertThat(off.begin("console-1")).isFalse();
        }
        try (Microphone noGadget = Microphone.unavailable(Microphone.State.NO_GADGET, "no gadget")) {
            assertThat(noGadget.status().state()).isEqualTo("no_gadget");
        }
    }
}
