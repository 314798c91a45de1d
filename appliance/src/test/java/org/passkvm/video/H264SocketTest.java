package org.passkvm.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;

/** The H.264 WebSocket on the demo source, seen by plain WebSocket clients. */
class H264SocketTest {

    @TempDir
    static Path dataDir;

    static TestAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = TestAppliance.start(dataDir, "video:\n  h264:\n    encoder: auto\n    queue_frames: 4\n");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** Collects messages; reads only when told to (a slow client reads nothing). */
    static final class Client implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<byte[]> units = new CopyOnWriteArrayList<>();
        final boolean reads;
        private ByteBuffer partial = ByteBuffer.allocate(0);

        Client(boolean reads) {
            this.reads = reads;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            texts.add(data.toString());
            if (reads) {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer joined = ByteBuffer.allocate(partial.remaining() + data.remaining());
            joined.put(partial).put(data).flip();
            partial = joined;
            if (last) {
                byte[] b = new byte[partial.remaining()];
                partial.get(b);
                units.add(b);
                partial = ByteBuffer.allocate(0);
            }
            if (reads) {
                ws.request(1);
            }
            return null;
        }
    }

    /** Access units encoded over the next {@code millis}, from the status' per-second rate sampled along the way. */
    static double encodedDuring(long millis) throws Exception {
        double sum = 0;
        int samples = 0;
        for (long t = 0; t < millis; t += 250) {
            Thread.sleep(250);
            var m = java.util.regex.Pattern.compile("\"h264Fps\":([0-9.]+)").matcher(app.admin().getText("/api/video"));
            if (m.find()) {
                sum += Double.parseDouble(m.group(1));
                samples++;
            }
        }
        return samples == 0 ? 0 : sum / samples * millis / 1000.0;
    }

    static WebSocket connect(Client client) throws Exception {
        return app.admin().webSocket("/api/video/h264", client).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aJoiningClientGetsTheCodecThenAKeyframeThenTheStream() throws Exception {
        Client c = new Client(true);
        WebSocket ws = connect(c);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.units.size() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(c.texts).isNotEmpty();
        assertThat(c.texts.get(0)).contains("\"type\":\"config\"", "\"codec\":\"avc1.", "\"width\":1280");
        byte[] first = c.units.get(0);
        assertThat(first[0]).as("the first access unit is a keyframe").isEqualTo((byte) 1);
        assertThat(first).as("Annex-B after the 9-byte header").containsSequence(0, 0, 0, 1, 0x67);

        int before = c.units.size();
        double encoded = encodedDuring(2000);
        assertThat(c.units.size() - before).as("every access unit the encoder produced (%.0f)", encoded)
                .isGreaterThanOrEqualTo((int) (encoded * 0.8));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatStopsReadingIsWipedToAKeyframeWhileAFastOneKeepsItsRate() throws Exception {
        Client slow = new Client(false);
        WebSocket slowWs = connect(slow);
        Client fast = new Client(true);
        WebSocket fastWs = connect(fast);
        Thread.sleep(1000);
        int start = fast.units.size();
        double encoded = encodedDuring(3000);
        int got = fast.units.size() - start;
        // Relative to what was encoded: on a loaded machine the demo source itself may run below 30 fps.
        assertThat(got).as("fast client's access units over 3 s, of %.0f encoded", encoded)
                .isGreaterThanOrEqualTo((int) (encoded * 0.8));
        String status = app.admin().getText("/api/video");
        assertThat(status).contains("\"h264Clients\":2");
        // The slow client stopped after its first message and everything since piled up in its socket or was wiped.
        assertThat(slow.units.size()).isLessThanOrEqualTo(1);
        assertThat(status).containsPattern("\"h264Buffers\":\\d{1,2}}");
        slowWs.abort();
        fastWs.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }
}
