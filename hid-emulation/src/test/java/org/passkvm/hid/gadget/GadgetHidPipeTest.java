package org.passkvm.hid.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.testkit.Await;

/** GadgetHid end to end over named pipes: what HidInput presses is what a host would read, byte for byte. */
class GadgetHidPipeTest {

    @TempDir
    Path dir;

    @Test
    void typingAndPointingProduceTheExactReports() throws Exception {
        try (Fifo keyboard = new Fifo(dir.resolve("kbd")).openReader();
             Fifo absolute = new Fifo(dir.resolve("abs")).openReader();
             Fifo relative = new Fifo(dir.resolve("rel")).openReader();
             Fifo leds = new Fifo(dir.resolve("leds"))) {
            Map<HidFunction, Path> nodes = new LinkedHashMap<>();
            nodes.put(HidFunction.keyboard(), keyboard.path);
            nodes.put(HidFunction.absoluteMouse(true), absolute.path);
            nodes.put(HidFunction.relativeMouse(), relative.path);
            try (GadgetHid hid = GadgetHid.onDevices(nodes, Optional.of(leds.path))) {
                HidInput input = new HidInput(hid);
                input.keyDown(0xE1); // Left Shift
                input.tap(0x04);     // A
                input.keyUp(0xE1);
                input.tap(0x64);     // IntlBackslash
                assertThat(keyboard.readReport(8)).containsExactly(2, 0, 0, 0, 0, 0, 0, 0);
                assertThat(keyboard.readReport(8)).containsExactly(2, 0, 4, 0, 0, 0, 0, 0);
                assertThat(keyboard.readReport(8)).containsExactly(2, 0, 0, 0, 0, 0, 0, 0);
                assertThat(keyboard.readReport(8)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
                assertThat(keyboard.readReport(8)).containsExactly(0, 0, 0x64, 0, 0, 0, 0, 0);
                assertThat(keyboard.readReport(8)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);

                input.moveTo(1000, 32767);
                input.scroll(-1, 2);
                assertThat(absolute.readReport(7)).containsExactly(0, 0xE8, 0x03, 0xFF, 0x7F, 0, 0);
                assertThat(absolute.readReport(7)).containsExactly(0, 0xE8, 0x03, 0xFF, 0x7F, 0xFF, 2);

                input.setMouseMode(HidInput.MouseMode.RELATIVE);
                input.moveBy(200, -3);
                assertThat(relative.readReport(4)).containsExactly(0, 127, 0xFD, 0);
                assertThat(relative.readReport(4)).containsExactly(0, 73, 0, 0);

                hid.releaseAll();
                assertThat(keyboard.readReport(8)).containsExactly(new byte[8]);
                assertThat(absolute.readReport(7)).containsExactly(new byte[7]);
                assertThat(relative.readReport(4)).containsExactly(new byte[4]);
            }
        }
    }

    @Test
    void publishesTheLedsTheHostSets() throws Exception {
        try (Fifo keyboard = new Fifo(dir.resolve("kbd")).openReader();
             Fifo leds = new Fifo(dir.resolve("leds"))) {
            try (GadgetHid hid = GadgetHid.onDevices(Map.of(HidFunction.keyboard(), keyboard.path),
                     Optional.of(leds.path));
                 HidgEndpoint host = HidgEndpoint.forWriting(leds.path)) {
                CompletableFuture<KeyboardLeds> seen = new CompletableFuture<>();
                hid.onLeds(seen::complete);
                // the reader opens its end first
                Await.until(Duration.ofSeconds(5), () -> host.write(new byte[] {0x02}, 50) == HidEndpoint.Outcome.SENT,
                    "the LED report written to GadgetHid's reader");
                assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo(new KeyboardLeds(false, true, false));
                assertThat(hid.status().leds().capsLock()).isTrue();
            }
        }
    }
}
