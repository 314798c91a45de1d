package org.passkvm.video.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.passkvm.video.SourceState;

class FrameHubTest {

    private final FramePool pool = new FramePool(16);
    private final FrameHub hub = new FrameHub();

    private void publish(int marker) {
        EncodedFrame f = pool.take();
        f.buffer(1)[0] = (byte) marker;
        hub.publish(f.describe(1, 1, System.nanoTime(), true, SourceState.STREAMING));
    }

    @Test
    void slowClientSkipsFramesInsteadOfQueueing() throws Exception {
        publish(1);
        EncodedFrame first = hub.awaitNewer(0, 1, TimeUnit.SECONDS);
        assertThat(first.data()[0]).isEqualTo((byte) 1);
        // While the slow client still writes frame 1, frames 2..100 are published.
        for (int i = 2; i <= 100; i++) {
            publish(i);
        }
        long seen = first.sequence();
        first.release();
        EncodedFrame next = hub.awaitNewer(seen, 1, TimeUnit.SECONDS);
        assertThat(next.data()[0]).as("the newest, not the next in line").isEqualTo((byte) 100);
        next.release();
        assertThat(pool.created()).as("buffers in use: the hub's, the reader's, one spare").isLessThanOrEqualTo(3);
    }

    @Test
    void aFrameIsReusedOnlyAfterItsLastReaderReleasedIt() throws Exception {
        publish(7);
        EncodedFrame held = hub.awaitNewer(0, 1, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            publish(i);
        }
        assertThat(held.data()[0]).as("not overwritten while held").isEqualTo((byte) 7);
        held.release();
        assertThat(pool.created()).isLessThanOrEqualTo(3);
    }

    @Test
    void waitingForANewerFrameTimesOutWithNull() throws Exception {
        assertThat(hub.awaitNewer(0, 50, TimeUnit.MILLISECONDS)).isNull();
    }
}
