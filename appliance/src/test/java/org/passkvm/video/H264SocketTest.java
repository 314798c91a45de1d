package org.passkvm.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.video.stream.H264Stream;

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
        volatile boolean reads;
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

    static boolean keyframe(byte[] unit) {
        return unit[0] == 1;
    }

    static WebSocket connect(Client client) throws Exception {
        return app.admin().webSocket("/api/video/h264", client).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aJoiningClientGetsTheCodecThenAKeyframeThenTheStream() throws Exception {
        Client c = new Client(true);
        WebSocket ws = connect(c);
        Await.until(Duration.ofSeconds(10), () -> c.units.size() >= 5, "5 access units");
        assertThat(c.texts).isNotEmpty();
        assertThat(c.texts.get(0)).contains("\"type\":\"config\"", "\"codec\":\"avc1.", "\"width\":1280");
        byte[] first = c.units.get(0);
        assertThat(first[0]).as("the first access unit is a keyframe").isEqualTo((byte) 1);
        assertThat(first).as("Annex-B after the 9-byte header").containsSequence(0, 0, 0, 1, 0x67);

        int before = c.units.size();
        Thread.sleep(2000); // time is the subject: the units of a 2 s window
        List<byte[]> window = List.copyOf(c.units.subList(before, c.units.size()));
        // Counted from the bitstream itself (H.264's frame_num), not from the server's own figures: the encoder
        // produced something, and every picture it produced arrived.
        assertThat(window.size()).as("access units in 2 s").isGreaterThanOrEqualTo(10);
        FrameNumbers numbers = new FrameNumbers();
        numbers.breaks(List.copyOf(c.units), H264Stream.HEADER_BYTES); // reads the SPS of the first keyframe
        assertThat(numbers.breaks(window, H264Stream.HEADER_BYTES)).as("pictures missing before these units").isEmpty();
        // The count is live: dropping one picture in the middle of a GOP shows as a break.
        int drop = java.util.stream.IntStream.range(1, window.size() - 1)
                .filter(i -> !keyframe(window.get(i)) && !keyframe(window.get(i + 1))).findFirst().orElseThrow();
        List<byte[]> lossy = new java.util.ArrayList<>(window);
        lossy.remove(drop);
        assertThat(numbers.breaks(lossy, H264Stream.HEADER_BYTES)).containsExactly(drop);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatStopsReadingIsWipedToAKeyframeWhileAFastOneKeepsItsRate() throws Exception {
        Client slow = new Client(false);
        WebSocket slowWs = connect(slow);
        Client fast = new Client(true);
        WebSocket fastWs = connect(fast);
        Await.until(Duration.ofSeconds(10), () -> fast.units.size() >= 5 && !slow.texts.isEmpty(), "both clients served");
        int start = fast.units.size();
        Thread.sleep(3000); // time is the subject: the fast client's rate over 3 s while the slow one reads nothing
        // The fast client lost nothing to the slow one: every picture the encoder made reached it (frame_num).
        assertThat(fast.units.size() - start).as("fast client's access units over 3 s").isGreaterThanOrEqualTo(15);
        assertThat(new FrameNumbers().breaks(List.copyOf(fast.units), H264Stream.HEADER_BYTES)).as("fast client missed pictures at")
                .isEmpty();
        String status = app.admin().getText("/api/video");
        assertThat(status).contains("\"h264Clients\":2");
        // The slow client stopped after its first message and everything since piled up in its socket or was wiped.
        assertThat(slow.units.size()).isLessThanOrEqualTo(1);
        assertThat(status).containsPattern("\"h264Buffers\":\\d{1,2}[,}]");

        // It reads again: what was wiped is gone, and the stream resumes on a keyframe, never mid-GOP.
        int resumedAt = slow.units.size();
        slow.reads = true;
        slowWs.request(1);
        // A keyframe after resuming, and ten units from there on for frame_num to follow.
        Await.until(Duration.ofSeconds(10), () -> {
            List<byte[]> resumed = List.copyOf(slow.units).stream().skip(resumedAt).toList();
            int key = java.util.stream.IntStream.range(0, resumed.size()).filter(i -> keyframe(resumed.get(i))).findFirst().orElse(-1);
            return key >= 0 && resumed.size() - key >= 10;
        }, "a keyframe and ten units after the slow client reads again");
        List<byte[]> all = List.copyOf(slow.units);
        assertThat(all.subList(resumedAt, all.size())).as("units after resuming").anyMatch(H264SocketTest::keyframe);
        // A wipe shows in frame_num as a jump; the stream may only jump to an IDR, so no break is ever seen.
        assertThat(new FrameNumbers().breaks(all, H264Stream.HEADER_BYTES)).as("pictures resumed mid-GOP at").isEmpty();
        slowWs.abort();
        fastWs.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }
}
