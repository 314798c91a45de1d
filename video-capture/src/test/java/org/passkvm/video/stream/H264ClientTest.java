package org.passkvm.video.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.passkvm.video.SourceState;

class H264ClientTest {

    /** A transport that never finishes a send: the client's queue fills up. */
    static final class StuckSink implements H264Client.Sink {
        final List<EncodedFrame> inFlight = new ArrayList<>();

        @Override
        public void send(EncodedFrame frame, String codec, H264Client client) {
            inFlight.add(frame);
        }
    }

    static EncodedFrame unit(FramePool pool, boolean key, int marker) {
        EncodedFrame f = pool.take();
        f.buffer(1)[0] = (byte) marker;
        return f.describe(16, 16, System.nanoTime(), key, SourceState.STREAMING);
    }

    @Test
    void overflowWipesTheQueueRequestsAKeyframeAndResumesAtIt() {
        FramePool pool = new FramePool(16);
        AtomicInteger keyRequests = new AtomicInteger();
        StuckSink sink = new StuckSink();
        H264Client client = new H264Client(4, sink, keyRequests::incrementAndGet);

        EncodedFrame delta = unit(pool, false, 0);
        client.offer(delta, "avc1.42C01F");
        assertThat(sink.inFlight).as("nothing before the first keyframe").isEmpty();
        delta.release();

        for (int i = 1; i <= 5; i++) { // 1 goes out, 2..5 fill the queue of 4
            EncodedFrame f = unit(pool, i == 1, i);
            client.offer(f, "avc1.42C01F");
            f.release();
        }
        assertThat(client.queued()).isEqualTo(4);
        EncodedFrame overflow = unit(pool, false, 6);
        client.offer(overflow, "avc1.42C01F");
        overflow.release();
        assertThat(client.queued()).isZero();
        assertThat(client.dropped()).isEqualTo(4);
        assertThat(keyRequests).hasValue(1);

        EncodedFrame moreDelta = unit(pool, false, 7);
        client.offer(moreDelta, "avc1.42C01F");
        moreDelta.release();
        assertThat(client.queued()).as("deltas wait for the keyframe").isZero();
        EncodedFrame key = unit(pool, true, 8);
        client.offer(key, "avc1.42C01F");
        key.release();
        assertThat(client.queued()).isEqualTo(1);

        // Completing the stuck send moves the queue on, in order.
        client.sent(sink.inFlight.remove(0));
        assertThat(sink.inFlight).hasSize(1);
        assertThat(sink.inFlight.get(0).data()[0]).isEqualTo((byte) 8);
        client.sent(sink.inFlight.remove(0));
        assertThat(pool.created()).as("bounded by the queue, not by the frames offered").isLessThanOrEqualTo(6);
    }
}
