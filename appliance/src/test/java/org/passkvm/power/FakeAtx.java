package org.passkvm.power;

/**
 * A front panel with no board behind it: presses go nowhere and the power LED is what the test sets. Fakes that
 * need a board's reactions override the buttons.
 */
public class FakeAtx implements Atx {

    public volatile boolean led;

    @Override
    public String kind() {
        return "test";
    }

    @Override
    public void setPowerButton(boolean pressed) {}

    @Override
    public void setResetButton(boolean pressed) {}

    @Override
    public boolean powerLed() {
        return led;
    }

    @Override
    public boolean hddLed() {
        return false;
    }

    @Override
    public void onLedChange(Runnable listener) {}

    @Override
    public void close() {}
}
