package org.passkvm.power;

import java.util.Locale;
import java.util.Optional;

/** What a person or a protocol may ask of the target's power, each built from button presses. */
public enum PowerAction {
    /** Short press on the power button, only when the power LED is off. */
    ON,
    /** Short press, only when on: the OS hears the ACPI button and shuts down cleanly. */
    OFF,
    /** Long press: the board cuts power whatever the OS does. */
    OFF_HARD,
    /** Press on the reset button. */
    RESET,
    /** Hard off, a pause, then on (only on when already off). */
    CYCLE,
    /** Short press whatever the state (Redfish PushPowerButton). */
    PUSH;

    /** The name used in URLs and JSON: "on", "off_hard", … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PowerAction> parse(String id) {
        for (PowerAction a : values()) {
            if (a.id().equals(id)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
