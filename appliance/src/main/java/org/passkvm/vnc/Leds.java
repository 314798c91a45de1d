package org.passkvm.vnc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.KeyboardLeds;

/**
 * The target's keyboard LEDs as its USB host last set them (the gadget's LED reports), for sessions that show them
 * (QEMU LED state). One listener on the HID for the whole server; sessions join and leave here.
 */
final class Leds {

    private final List<Consumer<KeyboardLeds>> listeners = new CopyOnWriteArrayList<>();
    private volatile KeyboardLeds now = KeyboardLeds.OFF;

    /** LEDs that never change (no HID). */
    Leds() {}

    static Leds of(HidInput input) {
        Leds leds = new Leds();
        if (input != null) {
            leds.now = input.output().status().leds();
            input.output().onLeds(leds::publish);
        }
        return leds;
    }

    KeyboardLeds now() {
        return now;
    }

    void join(Consumer<KeyboardLeds> listener) {
        listeners.add(listener);
    }

    void leave(Consumer<KeyboardLeds> listener) {
        listeners.remove(listener);
    }

    void publish(KeyboardLeds leds) {
        now = leds;
        listeners.forEach(l -> l.accept(leds));
    }

    /** QEMU LED state's byte: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock. */
    static int qemuBits(KeyboardLeds leds) {
        return (leds.scrollLock() ? 1 : 0) | (leds.numLock() ? 2 : 0) | (leds.capsLock() ? 4 : 0);
    }
}
