package org.passkvm.media;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.passkvm.testkit.KernelChecks;
import org.passkvm.testkit.TestVm;

/**
 * Virtual media on a real kernel: one boot of the test VM runs {@link MediaKernelScenario}; each of its checks is
 * reported as a test of its own.
 */
@Tag("kernel")
class MediaKernelTest {

    private static final List<String> CHECKS = List.of("one-composite-gadget-with-hid-and-mass-storage", "upload-and-list-sha256", "cdrom-host-sees-sr-with-same-sha256",
        "cdrom-switch-image", "eject-removes-medium", "locked-medium-needs-force", "flash-writable-host-writes-land-in-file",
        "flash-read-only-switch-image", "stock-kernel-cdrom-limit", "upload-larger-than-free-space-refused-early",
        "chunked-upload-filling-the-disk-stops-and-frees-its-space", "bench-host-read-throughput");

    @TestFactory
    Stream<DynamicTest> virtualMediaOnTheRealKernel() {
        TestVm.requireTools();
        TestVm.Result result = TestVm.run(Duration.ofSeconds(1500), TestVm.java("-Dtinylog.writer.level=info",
            "-Dmedia.test.timeout.seconds=120", "-cp", TestVm.testClassPath(), MediaKernelScenario.class.getName()));
        System.out.println("MediaKernelScenario in the test VM:\n" + result.describe());
        return KernelChecks.asTests(result, CHECKS);
    }
}
