package org.passkvm.hid.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.TestVm;

/** The test VM itself: a boot keyboard gadget made in its kernel types into the host side of dummy_hcd. */
@Tag("kernel")
class TestVmKeyboardTest {

    @Test
    void aGadgetKeystrokeArrivesAsKeyAOnTheHostSide() {
        TestVm.requireTools();
        TestVm.Result result = TestVm.run(Duration.ofSeconds(180),
            List.of("python3", "image-build/testvm/selftest-keyboard.py"));
        System.out.println("testvm self-test: " + result.describe());
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).as(result.describe())
            .contains("EV_KEY 30 1\nEV_KEY 30 0\n")
            .contains("SELFTEST OK");
    }
}
