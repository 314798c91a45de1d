package org.passkvm.power;

import java.time.Duration;

/**
 * How long each button is held. Boards differ: most switch on from 100 ms, cut power after a
 * 4 s hold, and want a pause after a hard off before they accept the next press.
 *
 * @param press the short power press (on, graceful off)
 * @param longPress the hold that forces power off
 * @param resetPress the reset press
 * @param cycleOffPause the pause between off and on in a power cycle
 */
public record PressTimings(Duration press, Duration longPress, Duration resetPress, Duration cycleOffPause) {

    public static final PressTimings DEFAULT = new PressTimings(Duration.ofMillis(300), Duration.ofMillis(5500),
            Duration.ofMillis(300), Duration.ofMillis(3000));
}
