package org.passkvm.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;

/** The GPIO header on Pi4J's mock provider: levels, press lengths through PowerControl, LED debounce. */
class GpioAtxTest {

    static final int POWER = 17;
    static final int RESET = 27;
    static final int POWER_LED = 22;
    static final int HDD_LED = 23;

    final Context pi4j = Pi4J.newContextBuilder().add(new MockPlatform())
            .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
    GpioAtx atx;
    PowerControl power;

    @AfterEach
    void close() {
        if (power != null) {
            power.close();
        }
        if (atx != null) {
            atx.close();
        }
        pi4j.shutdown();
    }

    GpioAtx open(boolean buttonsActiveHigh, boolean ledsActiveHigh, long debounceMs) {
        atx = new GpioAtx(pi4j, false, new GpioPins(POWER, buttonsActiveHigh, RESET, buttonsActiveHigh,
                POWER_LED, ledsActiveHigh, HDD_LED, ledsActiveHigh, Duration.ofMillis(debounceMs)));
        return atx;
    }

    DigitalOutput out(String id) {
        return pi4j.io(id);
    }

    MockDigitalInput in(String id) {
        return pi4j.io(id);
    }

    @Test
    void buttonsStartReleasedAndFollowTheirActiveLevel() {
        open(true, true, 5);
        assertThat(out("atx-power-button").state()).isEqualTo(DigitalState.LOW);
        atx.setPowerButton(true);
        assertThat(out("atx-power-button").state()).isEqualTo(DigitalState.HIGH);
        atx.setPowerButton(false);
        assertThat(out("atx-power-button").state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void activeLowButtonsIdleHighAndPullLowWhenPressed() {
        open(false, true, 5);
        assertThat(out("atx-reset-button").state()).isEqualTo(DigitalState.HIGH);
        atx.setResetButton(true);
        assertThat(out("atx-reset-button").state()).isEqualTo(DigitalState.LOW);
        atx.close();
        assertThat(out("atx-reset-button").state()).isEqualTo(DigitalState.HIGH);
        atx = null;
    }

    @Test
    void pressLengthsOnThePinsMatchTheConfiguredTimings() throws Exception {
        open(true, true, 5);
        power = new PowerControl(atx, new PressTimings(Duration.ofMillis(120), Duration.ofMillis(600),
                Duration.ofMillis(80), Duration.ofMillis(100)));
        List<long[]> edges = new CopyOnWriteArrayList<>();
        out("atx-power-button").addListener(e -> edges.add(new long[] {e.state().isHigh() ? 1 : 0, System.nanoTime()}));
        out("atx-reset-button").addListener(e -> edges.add(new long[] {e.state().isHigh() ? 3 : 2, System.nanoTime()}));

        power.start(PowerAction.ON).get(5, TimeUnit.SECONDS); // LED dark: presses
        assertThat(heldMillis(edges, 1)).isBetween(115L, 500L);

        edges.clear();
        in("atx-power-led").mockState(DigitalState.HIGH);
        Await.until(Duration.ofSeconds(3), atx::powerLed, "LED lit after debounce");
        power.start(PowerAction.OFF_HARD).get(5, TimeUnit.SECONDS);
        assertThat(heldMillis(edges, 1)).isBetween(595L, 1500L);

        edges.clear();
        power.start(PowerAction.RESET).get(5, TimeUnit.SECONDS);
        assertThat(heldMillis(edges, 3)).isBetween(75L, 500L);
        assertThat(out("atx-power-button").state()).isEqualTo(DigitalState.LOW);
        assertThat(out("atx-reset-button").state()).isEqualTo(DigitalState.LOW);
    }

    private static long heldMillis(List<long[]> edges, int pressedCode) {
        long down = edges.stream().filter(e -> e[0] == pressedCode).findFirst().orElseThrow()[1];
        long up = edges.stream().filter(e -> e[0] == pressedCode - 1 && e[1] > down).findFirst().orElseThrow()[1];
        return TimeUnit.NANOSECONDS.toMillis(up - down);
    }

    @Test
    void ledBouncesShorterThanTheDebounceTimeAreIgnored() throws Exception {
        open(true, true, 300);
        AtomicInteger changes = new AtomicInteger();
        atx.onLedChange(changes::incrementAndGet);
        MockDigitalInput led = in("atx-power-led");
        // Time is the subject: GpioAtx debounces on a real scheduler (no clock to inject), so the line bounces at a
        // 10 ms pace, shorter than the 300 ms debounce, and the test then lets twice the debounce time pass.
        for (int i = 0; i < 5; i++) {
            led.mockState(DigitalState.HIGH);
            Thread.sleep(10);
            led.mockState(DigitalState.LOW);
            Thread.sleep(10);
        }
        Thread.sleep(600);
        assertThat(changes.get()).isZero();
        assertThat(atx.powerLed()).isFalse();

        led.mockState(DigitalState.HIGH);
        assertThat(atx.powerLed()).as("not yet settled").isFalse();
        Await.until(Duration.ofSeconds(3), atx::powerLed, "LED lit after debounce");
        Thread.sleep(100); // time is the subject: no second change comes after the settled one
        assertThat(changes.get()).isEqualTo(1);
    }

    @Test
    void activeLowLedsReadLitWhenTheLineIsLow() throws Exception {
        open(true, false, 5);
        in("atx-hdd-led").mockState(DigitalState.HIGH);
        Await.until(Duration.ofSeconds(3), () -> !atx.hddLed(), "HDD LED dark while the line is high");
        in("atx-hdd-led").mockState(DigitalState.LOW);
        Await.until(Duration.ofSeconds(3), atx::hddLed, "HDD LED lit while the line is low");
    }

    @Test
    void worksWithProvidersAloneAsTheWiringBuildsItForGpiod() {
        // PowerWiring registers the gpiod providers without a platform; the mock ones stand in here.
        Context bare = Pi4J.newContextBuilder()
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        try (GpioAtx header = new GpioAtx(bare, true, new GpioPins(POWER, true, RESET, true, POWER_LED, true, HDD_LED, true,
                Duration.ofMillis(5)))) {
            header.setPowerButton(true);
            assertThat(((DigitalOutput) bare.io("atx-power-button")).state()).isEqualTo(DigitalState.HIGH);
            header.setPowerButton(false);
        }
    }

    @Test
    void anUnwiredResetButtonRefusesToPressButReleasesQuietly() {
        atx = new GpioAtx(pi4j, false, new GpioPins(POWER, true, -1, true, POWER_LED, true, -1, true, Duration.ofMillis(5)));
        atx.setResetButton(false);
        assertThatThrownBy(() -> atx.setResetButton(true)).hasMessageContaining("reset_pin");
        assertThat(atx.hddLed()).isFalse();
    }
}
