package org.passkvm.video.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;
import org.passkvm.video.VideoSource;

class VideoStreamTest {

    /** Sleeps out a fake source's frame time; an interrupted sleep ends the grab as IDLE. */
    static void pace(long frameMillis) throws SourceException {
        try {
            Thread.sleep(frameMillis);
        } catch (InterruptedException e) {
            throw new SourceException(SourceState.IDLE, "interrupted");
        }
    }

    /** A grey 160x120 YUYV source at ~100 fps that can be told to lose its signal. */
    static final class FakeSource implements VideoSource {
        final ByteBuffer pixels = ByteBuffer.allocateDirect(160 * 120 * 2);
        final AtomicInteger opens = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger grabs = new AtomicInteger();
        volatile SourceState failure;
        volatile boolean open;
        volatile int skipping; // frames each grab claims to have passed over for a newer one

        FakeSource() {
            for (int i = 0; i < pixels.capacity(); i++) {
                pixels.put(i, (byte) 128);
            }
        }

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public void open() throws SourceException {
            opens.incrementAndGet();
            if (failure == SourceState.NO_DEVICE) {
                throw new SourceException(failure, "/dev/video9 is gone");
            }
            open = true;
        }

        @Override
        public RawFrame grab() throws SourceException {
            pace(10); // ~100 fps
            if (failure != null) {
                throw new SourceException(failure, "test says so");
            }
            grabs.incrementAndGet();
            return new RawFrame(PixelFormat.YUYV, 160, 120, 320, pixels.duplicate().clear(), System.nanoTime());
        }

        @Override
        public int skipped() {
            return skipping;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            open = false;
        }
    }

    static StreamSettings settings(Duration linger) {
        return new StreamSettings(80, 30, linger, 1, Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    static EncodedFrame next(VideoStream stream, long seen) throws InterruptedException {
        EncodedFrame f = stream.jpeg().awaitNewer(seen, 3, TimeUnit.SECONDS);
        assertThat(f).as("a frame within 3 s").isNotNull();
        return f;
    }

    /** The first frame after {@code seen} showing {@code state}, held; frames passed over on the way are released. */
    static EncodedFrame nextIn(VideoStream stream, long seen, SourceState state) throws InterruptedException {
        while (true) {
            EncodedFrame f = next(stream, seen);
            if (f.state() == state) {
                return f;
            }
            seen = f.sequence();
            f.release();
        }
    }

    @Test
    void capturesOnlyWhileSomeoneWatchesPlusTheLinger() throws Exception {
        FakeSource source = new FakeSource();
        try (VideoStream stream = new VideoStream(source, settings(Duration.ofMillis(300)))) {
            Thread.sleep(200); // time is the subject: nobody watches, so nothing opens the source meanwhile
            assertThat(source.opens).hasValue(0);
            assertThat(stream.status().state()).isEqualTo("IDLE");
            try (VideoStream.Viewer viewer = stream.watch()) {
                EncodedFrame f = next(stream, 0);
                assertThat(f.state()).isEqualTo(SourceState.STREAMING);
                assertThat(f.width()).isEqualTo(160);
                f.release();
                assertThat(source.open).isTrue();
            }
            Thread.sleep(100); // time is the subject: within the 300 ms linger (VideoStream takes no clock)
            assertThat(source.open).as("still lingering").isTrue();
            // The source closes before the state turns IDLE, so wait for both.
            Await.until(Duration.ofSeconds(3), () -> !source.open && stream.status().state().equals("IDLE"),
                    "source closed and stream IDLE after the linger");
            assertThat(source.open).as("closed after the linger").isFalse();
            assertThat(stream.status().state()).isEqualTo("IDLE");
        }
    }

    @Test
    void showsAReasonScreenWhileTheSignalIsLostAndRecoversWithinTwoSeconds() throws Exception {
        FakeSource source = new FakeSource();
        try (VideoStream stream = new VideoStream(source, settings(Duration.ZERO)); var viewer = stream.watch()) {
            EncodedFrame f = next(stream, 0);
            long seen = f.sequence();
            f.release();

            source.failure = SourceState.NO_SIGNAL;
            EncodedFrame reason = nextIn(stream, seen, SourceState.NO_SIGNAL);
            long firstReason = reason.sequence();
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(reason.data(), 0, reason.length()));
            assertThat(picture.getWidth()).as("the reason screen keeps the stream's size").isEqualTo(160);
            reason.release();
            assertThat(stream.status().reason()).isEqualTo("NO SIGNAL");
            EncodedFrame again = next(stream, firstReason);
            assertThat(again.state()).as("the reason screen is sent again with each retry").isEqualTo(SourceState.NO_SIGNAL);
            seen = again.sequence();
            again.release();

            long back = System.nanoTime();
            source.failure = null;
            nextIn(stream, seen, SourceState.STREAMING).release();
            assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(2));
            assertThat(stream.status().state()).isEqualTo("STREAMING");
        }
    }

    @Test
    void aMissingDeviceIsRetriedUntilItAppears() throws Exception {
        FakeSource source = new FakeSource();
        source.failure = SourceState.NO_DEVICE;
        try (VideoStream stream = new VideoStream(source, settings(Duration.ZERO)); var viewer = stream.watch()) {
            EncodedFrame f = next(stream, 0);
            assertThat(f.state()).isEqualTo(SourceState.NO_DEVICE);
            long seen = f.sequence();
            f.release();
            Await.value(Duration.ofSeconds(5), source.opens::get, n -> n >= 2, "the missing device retried");
            source.failure = null;
            nextIn(stream, seen, SourceState.STREAMING).release();
        }
    }

    @Test
    void framesOverTheFpsLimitAreDroppedBeforeEncoding() throws Exception {
        FakeSource source = new FakeSource(); // ~100 fps
        StreamSettings tenFps = new StreamSettings(80, 10, Duration.ZERO, 1, Duration.ofMillis(200), Duration.ofSeconds(1));
        try (VideoStream stream = new VideoStream(source, tenFps); var viewer = stream.watch()) {
            next(stream, 0).release();
            long start = stream.jpeg().sequence();
            int grabbed = source.grabs.get();
            long t0 = System.nanoTime();
            Thread.sleep(2000); // time is the subject: a rate over 2 s
            long published = stream.jpeg().sequence() - start;
            grabbed = source.grabs.get() - grabbed;
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0); // more than 2 s on a busy machine
            assertThat(published).as("at most 10 fps over %d ms", elapsedMillis).isBetween(1L, elapsedMillis / 90 + 2);
            assertThat(grabbed).as("the source ran faster; the rest were dropped").isGreaterThan((int) published);
        }
    }

    @Test
    void theInputRateCountsFramesTheSourcePassedOverForNewerOnes() throws Exception {
        FakeSource source = new FakeSource();
        source.skipping = 3;
        StreamSettings unlimited = new StreamSettings(80, 1000, Duration.ZERO, 1, Duration.ofMillis(200), Duration.ofSeconds(1));
        try (VideoStream stream = new VideoStream(source, unlimited); var viewer = stream.watch()) {
            next(stream, 0).release();
            Thread.sleep(1500); // time is the subject: the rates the status reports need a window of frames
            StreamStatus status = stream.status();
            assertThat(status.fpsIn()).as(status.toString()).isGreaterThan(3 * status.fpsOut());
        }
    }

    /** A USB dongle: JPEGs without Huffman tables (the AVI1 convention). */
    static final class DongleSource implements VideoSource {
        final ByteBuffer jpeg;

        DongleSource(byte[] bytes) {
            jpeg = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        }

        @Override
        public String kind() {
            return "dongle";
        }

        @Override
        public void open() {}

        @Override
        public RawFrame grab() throws SourceException {
            pace(20); // a dongle's ~50 fps
            return new RawFrame(PixelFormat.MJPEG, 64, 32, 0, jpeg.duplicate(), System.nanoTime());
        }

        @Override
        public void close() {}
    }

    @Test
    void deviceJpegsAreForwardedUntouchedExceptForMissingHuffmanTables() throws Exception {
        byte[] original = org.passkvm.video.encode.JpegHuffmanTest.sampleJpeg();
        byte[] stripped = org.passkvm.video.encode.JpegHuffmanTest.withoutTables(original);
        try (VideoStream stream = new VideoStream(new DongleSource(original), settings(Duration.ZERO)); var viewer = stream.watch()) {
            EncodedFrame f = next(stream, 0);
            assertThat(java.util.Arrays.copyOf(f.data(), f.length())).as("byte for byte").isEqualTo(original);
            f.release();
            assertThat(stream.status().jpegEncoder()).isEqualTo("passthrough");
        }
        try (VideoStream stream = new VideoStream(new DongleSource(stripped), settings(Duration.ZERO)); var viewer = stream.watch()) {
            EncodedFrame f = next(stream, 0);
            assertThat(f.length()).isEqualTo(stripped.length + 420);
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(f.data(), 0, f.length()));
            assertThat(picture.getWidth()).isEqualTo(64);
            f.release();
        }
    }
}
