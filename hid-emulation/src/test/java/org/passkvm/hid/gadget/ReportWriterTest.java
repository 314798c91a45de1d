package org.passkvm.hid.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;

class ReportWriterTest {

    private static final ReportWriter.Timing FAST = new ReportWriter.Timing(5, 100, 10);

    private final FakeEndpoint endpoint = new FakeEndpoint();
    private final List<String> onlineChanges = new CopyOnWriteArrayList<>();
    private final ReportWriter writer = new ReportWriter("keyboard", endpoint, 2, FAST,
        (device, online) -> onlineChanges.add(device + (online ? " online" : " offline"))).start();

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void deliversEveryReportInOrderWhileTheHostPolls() {
        endpoint.writeDelay(1);
        for (int i = 1; i <= 20; i++) {
            writer.submit(new byte[] {(byte) i, 0});
        }
        await(() -> endpoint.delivered().size() == 20, "20 reports delivered");
        assertThat(endpoint.delivered()).extracting(r -> (int) r[0]).containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
    }

    @Test
    void whileOfflineKeepsOnlyTheLatestAndSendsItWhenTheHostReturns() {
        endpoint.mode(HidEndpoint.Outcome.OFFLINE);
        writer.submit(new byte[] {1, 0});
        await(() -> !writer.online(), "the writer offline");
        for (int i = 2; i <= 9; i++) {
            writer.submit(new byte[] {(byte) i, 0});
        }
        endpoint.mode(HidEndpoint.Outcome.SENT);
        writer.wake();
        await(writer::idle, "the writer idle");
        // At most one report the writer had already taken when the host returned, then the latest.
        assertThat(endpoint.delivered()).hasSizeLessThanOrEqualTo(2)
            .extracting(r -> (int) r[0]).endsWith(9);
        // The flag flips before the listener runs, so wait for the listener itself.
        await(() -> onlineChanges.size() == 2, "two online changes");
        assertThat(writer.online()).isTrue();
        assertThat(onlineChanges).containsExactly("keyboard offline", "keyboard online");
    }

    @Test
    void aHostThatLeavesFindsEverythingReleasedWhenItReturns() {
        writer.submit(new byte[] {5, 5}); // a key held down
        await(() -> endpoint.delivered().size() == 1, "1 report delivered");
        endpoint.mode(HidEndpoint.Outcome.OFFLINE);
        writer.hostGone();
        endpoint.mode(HidEndpoint.Outcome.SENT);
        writer.wake();
        await(() -> endpoint.delivered().size() == 2, "2 reports delivered");
        assertThat(endpoint.delivered().get(1)).containsExactly(0, 0);
    }

    @Test
    void aHostThatStopsPollingCountsAsOfflineAfterTheBusyTimeout() {
        endpoint.mode(HidEndpoint.Outcome.BUSY);
        writer.submit(new byte[] {1, 0});
        writer.submit(new byte[] {2, 0});
        await(() -> !writer.online(), "the writer offline");
        writer.submit(new byte[] {3, 0});
        endpoint.mode(HidEndpoint.Outcome.SENT);
        await(writer::idle, "the writer idle");
        assertThat(endpoint.delivered()).hasSizeLessThanOrEqualTo(2)
            .extracting(r -> (int) r[0]).endsWith(3);
    }

    @Test
    void submitNeverWaitsForTheDevice() {
        endpoint.writeDelay(2000); // the device takes two seconds per report
        writer.submit(new byte[] {1, 0});
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            writer.submit(new byte[] {(byte) i, 0});
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void releaseAllFollowsTheQueuedReports() {
        endpoint.writeDelay(1);
        writer.submit(new byte[] {7, 7});
        writer.releaseAll();
        await(() -> endpoint.delivered().size() == 2, "2 reports delivered");
        assertThat(endpoint.delivered().get(1)).containsExactly(0, 0);
    }

    static void await(Await.Condition condition, String what) {
        Await.every(Duration.ofMillis(2)).untilHolds(Duration.ofSeconds(5), condition, what);
    }
}
