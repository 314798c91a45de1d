package org.passkvm.power;

import java.time.Duration;

/**
 * Where the front-panel header is wired on the Pi's GPIO (BCM numbers) and which level means
 * "pressed" or "lit". Opto-coupler boards are usually active-high on the buttons; LEDs read through
 * a pull-up are often active-low. A pin of -1 is not wired.
 */
public record GpioPins(int powerButton, boolean powerButtonActiveHigh,
        int resetButton, boolean resetButtonActiveHigh,
        int powerLed, boolean powerLedActiveHigh,
        int hddLed, boolean hddLedActiveHigh,
        Duration debounce) {

    /** At least one pin is named: only then is GPIO used, never guessed. */
    public boolean anyWired() {
        return powerButton >= 0 || resetButton >= 0 || powerLed >= 0 || hddLed >= 0;
    }
}
