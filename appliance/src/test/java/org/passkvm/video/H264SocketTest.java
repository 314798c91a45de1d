package org.passkvm.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H.264 WebSocket on the demo source, seen by plain WebSocket clients. */
class H264SocketTest {

    static {
        // The device certificate names "passkvm", not 127.0.0.1; the JDK client checks hostnames unless told not to.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }

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

    static WebSocket connect(Client client) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TestAppliance.TRUST_ALL).build();
        String basic = Base64.getEncoder().encodeToString(("admin:" + TestAppliance.PASSWORD).getBytes(StandardCharsets.UTF_8));
        return http.newWebSocketBuilder()
                .header("Authorization", "Basic " + basic)
                .buildAsync(URI.create("wss://127.0.0.1:" + app.port + "/api/video/h264"), client)
                .get(10, TimeUnit.SECONDS);
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
        Thread.sleep(2000);
        assertThat(c.units.size() - before).as("~30 fps from the demo").isGreaterThanOrEqualTo(40);
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
        Thread.sleep(3000);
        int got = fast.units.size() - start;
        assertThat(got).as("fast client's rate over 3 s").isGreaterThanOrEqualTo(70);
        String status = app.getText("/api/video");
        assertThat(status).contains("\"h264Clients\":2");
        // The slow client stopped after its first message and everything since piled up in its socket or was wiped.
        assertThat(slow.units.size()).isLessThanOrEqualTo(1);
        assertThat(status).containsPattern("\"h264Buffers\":\\d{1,2}}");
        slowWs.abort();
        fastWs.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }
}
