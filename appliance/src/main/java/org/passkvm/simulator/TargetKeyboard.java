package org.passkvm.simulator;

import java.util.Arrays;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.KeyboardReport;

/**
 * The target's keyboard driver: turns successive 8-byte boot reports into key presses the way a
 * host's HID driver does (a usage that appears is a press, one that disappears a release), and
 * keeps the lock LEDs the host would set.
 */
final class TargetKeyboard {

    interface Listener {
        void pressed(int usage, int modifiers);
    }

    private int[] previous = new int[0];
    private int modifiers;
    private KeyboardLeds leds = KeyboardLeds.OFF;
    private final Listener listener;
    private final java.util.function.Consumer<KeyboardLeds> ledOutput;

    TargetKeyboard(Listener listener, java.util.function.Consumer<KeyboardLeds> ledOutput) {
        this.listener = listener;
        this.ledOutput = ledOutput;
    }

    /** One input report as the gadget would have sent it over USB. */
    void receive(byte[] wire) {
        KeyboardReport report = KeyboardReport.parse(wire);
        modifiers = report.modifiers();
        int[] now = report.usages();
        if (now.length > 0 && now[0] == 0x01) {
            return; // ErrorRollOver: the keyboard cannot tell which keys are down; keep the last state
        }
        for (int usage : now) {
            if (Arrays.stream(previous).noneMatch(u -> u == usage)) {
                press(usage);
            }
        }
        previous = now;
    }

    private void press(int usage) {
        switch (usage) {
            case 0x39 -> setLeds(new KeyboardLeds(leds.numLock(), !leds.capsLock(), leds.scrollLock()));
            case 0x53 -> setLeds(new KeyboardLeds(!leds.numLock(), leds.capsLock(), leds.scrollLock()));
            case 0x47 -> setLeds(new KeyboardLeds(leds.numLock(), leds.capsLock(), !leds.scrollLock()));
            default -> listener.pressed(usage, modifiers);
        }
    }

    private void setLeds(KeyboardLeds next) {
        leds = next;
        ledOutput.accept(next); // the host writes the output report back to the keyboard
    }

    KeyboardLeds leds() {
        return leds;
    }

    int heldKeys() {
        return previous.length + Integer.bitCount(modifiers);
    }

    void reset() {
        previous = new int[0];
        modifiers = 0;
        setLeds(KeyboardLeds.OFF);
    }
}
