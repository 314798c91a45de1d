package org.passkvm.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;

class PowerControlTest {

    static final PressTimings FAST = new PressTimings(Duration.ofMillis(100), Duration.ofMillis(600),
            Duration.ofMillis(60), Duration.ofMillis(150));
    /** Where the fake board tells a long press from a short one; far from both, as sleeps overshoot on a busy machine. */
    static final long LONG_PRESS_THRESHOLD_MS = 500;

    /** A header that records every button edge with its time, and whose LED follows the power button like a board. */
    static final class RecordingAtx extends FakeAtx {
        record Edge(String button, boolean pressed, long nanos) {}

        final List<Edge> edges = new CopyOnWriteArrayList<>();
        final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        volatile long powerDownAt;

        @Override
        public void setPowerButton(boolean pressed) {
            edges.add(new Edge("power", pressed, System.nanoTime()));
            if (pressed) {
                powerDownAt = System.nanoTime();
                return;
            }
            long held = System.nanoTime() - powerDownAt;
            // short press toggles; a long one forces off
            setLed(held >= TimeUnit.MILLISECONDS.toNanos(LONG_PRESS_THRESHOLD_MS) ? false : !led);
        }

        @Override
        public void setResetButton(boolean pressed) {
            edges.add(new Edge("reset", pressed, System.nanoTime()));
        }

        void setLed(boolean on) {
            if (on != led) {
                led = on;
                listeners.forEach(Runnable::run);
            }
        }

        @Override
        public void onLedChange(Runnable listener) {
            listeners.add(listener);
        }

        List<Long> pressLengthsMillis(String button) {
            List<Long> out = new ArrayList<>();
            Long down = null;
            for (Edge e : edges) {
                if (!e.button().equals(button)) {
                    continue;
                }
                if (e.pressed()) {
                    down = e.nanos();
                } else if (down != null) {
                    out.add(TimeUnit.NANOSECONDS.toMillis(e.nanos() - down));
                    down = null;
                }
            }
            return out;
        }
    }

    final RecordingAtx atx = new RecordingAtx();
    final PowerControl power = new PowerControl(atx, FAST);

    @AfterEach
    void close() {
        power.close();
    }

    @Test
    void onPressesShortlyOnlyWhenOff() throws Exception {
        var first = power.start(PowerAction.ON).get(5, TimeUnit.SECONDS);
        assertThat(first.pressed()).isTrue();
        assertThat(atx.led).isTrue();
        var second = power.start(PowerAction.ON).get(5, TimeUnit.SECONDS);
        assertThat(second.pressed()).isFalse();
        assertThat(second.detail()).contains("already on");
        assertThat(atx.pressLengthsMillis("power")).singleElement().satisfies(ms -> assertThat(ms).isBetween(95L, 450L));
    }

    @Test
    void offIsAShortPressAndHardOffALongOne() throws Exception {
        atx.led = true;
        power.start(PowerAction.OFF).get(5, TimeUnit.SECONDS);
        assertThat(atx.led).isFalse();
        atx.led = true;
        power.start(PowerAction.OFF_HARD).get(5, TimeUnit.SECONDS);
        assertThat(atx.led).isFalse();
        List<Long> presses = atx.pressLengthsMillis("power");
        assertThat(presses).hasSize(2);
        assertThat(presses.get(0)).isBetween(95L, 450L);
        assertThat(presses.get(1)).isBetween(595L, 1500L);
    }

    @Test
    void offWhenAlreadyOffPressesNothing() throws Exception {
        assertThat(power.start(PowerAction.OFF).get(5, TimeUnit.SECONDS).pressed()).isFalse();
        assertThat(power.start(PowerAction.OFF_HARD).get(5, TimeUnit.SECONDS).pressed()).isFalse();
        assertThat(atx.edges).isEmpty();
    }

    @Test
    void resetPressesTheResetButtonForItsOwnTime() throws Exception {
        power.start(PowerAction.RESET).get(5, TimeUnit.SECONDS);
        assertThat(atx.pressLengthsMillis("reset")).singleElement().satisfies(ms -> assertThat(ms).isBetween(55L, 450L));
        assertThat(atx.pressLengthsMillis("power")).isEmpty();
    }

    @Test
    void cycleHoldsOffPausesThenPressesOn() throws Exception {
        atx.led = true;
        long start = System.nanoTime();
        power.start(PowerAction.CYCLE).get(5, TimeUnit.SECONDS);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(atx.led).isTrue();
        List<Long> presses = atx.pressLengthsMillis("power");
        assertThat(presses).hasSize(2);
        assertThat(presses.get(0)).isGreaterThanOrEqualTo(595L);
        assertThat(presses.get(1)).isBetween(95L, 450L);
        long pause = TimeUnit.NANOSECONDS.toMillis(atx.edges.get(2).nanos() - atx.edges.get(1).nanos());
        assertThat(pause).isGreaterThanOrEqualTo(145L);
        assertThat(took).isGreaterThanOrEqualTo(600 + 150 + 100);
    }

    @Test
    void aSecondActionWhileOneRunsIsRefusedAsBusy() throws Exception {
        atx.led = true;
        var running = power.start(PowerAction.OFF_HARD);
        assertThat(power.state().busy()).isEqualTo(PowerAction.OFF_HARD);
        assertThatThrownBy(() -> power.start(PowerAction.RESET))
                .isInstanceOf(PowerBusyException.class)
                .hasMessageContaining("off_hard");
        running.get(5, TimeUnit.SECONDS);
        assertThat(power.state().busy()).isNull();
        assertThat(atx.pressLengthsMillis("reset")).isEmpty();
        power.start(PowerAction.RESET).get(5, TimeUnit.SECONDS); // free again
    }

    @Test
    void listenersHearActionsAndLedChanges() throws Exception {
        List<PowerState> seen = new CopyOnWriteArrayList<>();
        power.onChange(seen::add);
        power.start(PowerAction.ON).get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(2), () -> !seen.isEmpty() && seen.get(seen.size() - 1).busy() == null,
                "a last state with no action busy");
        assertThat(seen).anyMatch(s -> s.busy() == PowerAction.ON);
        assertThat(seen).anyMatch(PowerState::on);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(new PowerState(true, false, null, "test"));
    }

    @Test
    void closingDuringALongPressReleasesTheButton() throws Exception {
        atx.led = true;
        power.start(PowerAction.OFF_HARD);
        Await.until(Duration.ofSeconds(5), () -> atx.edges.stream().anyMatch(e -> e.button().equals("power") && e.pressed()),
                "the long press under way");
        power.close();
        assertThat(atx.edges.get(atx.edges.size() - 1).pressed()).isFalse();
        assertThat(atx.edges.stream().filter(e -> e.button().equals("power")).reduce((a, b) -> b).orElseThrow().pressed()).isFalse();
    }
}
