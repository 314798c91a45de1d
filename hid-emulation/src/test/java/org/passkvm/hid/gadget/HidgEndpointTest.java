package org.passkvm.hid.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real JNA path (open O_NONBLOCK, poll, write) against a named pipe, which behaves like an idle /dev/hidgN. */
class HidgEndpointTest {

    @TempDir
    Path dir;

    @Test
    void writesReportsThatTheReaderReceivesInOrder() throws Exception {
        try (Fifo fifo = new Fifo(dir.resolve("hidg0")).openReader();
             HidgEndpoint endpoint = HidgEndpoint.forWriting(fifo.path)) {
            assertThat(endpoint.write(new byte[] {1, 2, 3}, 20)).isEqualTo(HidEndpoint.Outcome.SENT);
            assertThat(endpoint.write(new byte[] {4, 5, 6}, 20)).isEqualTo(HidEndpoint.Outcome.SENT);
            assertThat(fifo.readReport(3)).containsExactly(1, 2, 3);
            assertThat(fifo.readReport(3)).containsExactly(4, 5, 6);
        }
    }

    @Test
    void aDeviceThatTakesNothingMakesWritesReturnBusyWithinTheTimeout() throws Exception {
        try (Fifo fifo = new Fifo(dir.resolve("hidg0")).openReader();
             HidgEndpoint endpoint = HidgEndpoint.forWriting(fifo.path)) {
            byte[] report = new byte[8];
            int sent = 0;
            while (endpoint.write(report, 0) == HidEndpoint.Outcome.SENT) {
                sent++; // fill the pipe as a host that stopped polling would leave the gadget
            }
            long start = System.nanoTime();
            assertThat(endpoint.write(report, 50)).isEqualTo(HidEndpoint.Outcome.BUSY);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(sent).isGreaterThan(100);
            assertThat(millis).isBetween(40L, 1000L);
        }
    }

    @Test
    void aMissingDeviceIsOfflineUntilItsNodeAppears() throws Exception {
        Path node = dir.resolve("hidg2");
        try (HidgEndpoint endpoint = HidgEndpoint.forWriting(node)) {
            assertThat(endpoint.write(new byte[8], 10)).isEqualTo(HidEndpoint.Outcome.OFFLINE);
            try (Fifo fifo = new Fifo(node).openReader()) { // the gadget got bound: the node is back
                assertThat(endpoint.write(new byte[] {9}, 10)).isEqualTo(HidEndpoint.Outcome.SENT);
                assertThat(fifo.readReport(1)).containsExactly(9);
            }
        }
    }
}
