package org.passkvm.power;

/**
 * The target's front-panel header as PassKVM sees it: two buttons it can hold down and two
 * LEDs it can read. Timing (short press, long press, reset) lives above this, so the GPIO and
 * the simulated target behave the same under every action.
 */
public interface Atx extends AutoCloseable {

    /** Short name shown in /api/health: "gpio", "demo". */
    String kind();

    void setPowerButton(boolean pressed);

    void setResetButton(boolean pressed);

    boolean powerLed();

    boolean hddLed();

    /** Called on every LED change (already debounced by the implementation). */
    void onLedChange(Runnable listener);

    @Override
    void close();
}
