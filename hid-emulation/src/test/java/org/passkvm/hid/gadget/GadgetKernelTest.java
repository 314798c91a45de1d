package org.passkvm.hid.gadget;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.passkvm.testkit.KernelChecks;
import org.passkvm.testkit.TestVm;

/**
 * GadgetHid on a real kernel: boots the test VM once, runs {@link GadgetKernelCheck} there, and reports each of its
 * checks as a test of its own.
 */
@Tag("kernel")
class GadgetKernelTest {

    private static final List<String> EXPECTED_CHECKS = List.of(
        "restart-after-crash-and-enumerate", "keys-with-modifiers-and-intl", "paste-in-german-layout", "absolute-moves-buttons-wheel-pan",
        "relative-moves-wheel-buttons", "led-read-back", "unbind-mid-typing-never-blocks-and-leaves-no-key-down",
        "held-key-released-when-host-goes-away", "led-read-back-after-rebind", "teardown-removes-gadget",
        "custom-identity-and-no-pan-variant");

    @TestFactory
    Stream<DynamicTest> gadgetOnTheRealKernel() {
        TestVm.requireTools();
        TestVm.Result result = TestVm.run(Duration.ofSeconds(420), TestVm.java(
            "-Dtinylog.writer.level=info", "-cp", TestVm.testClassPath(), GadgetKernelCheck.class.getName()));
        System.out.println("GadgetKernelCheck in the test VM: " + result.describe());
        return KernelChecks.asTests(result, EXPECTED_CHECKS);
    }
}
