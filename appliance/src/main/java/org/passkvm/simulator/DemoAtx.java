package org.passkvm.simulator;

import org.passkvm.power.Atx;

/** The simulated target's front-panel header: buttons go to the target, LEDs come from it. */
public final class DemoAtx implements Atx {

    private final SimulatedTarget target;

    public DemoAtx(SimulatedTarget target) {
        this.target = target;
    }

    @Override
    public String kind() {
        return "demo";
    }

    @Override
    public void setPowerButton(boolean pressed) {
        target.powerButton(pressed);
    }

    @Override
    public void setResetButton(boolean pressed) {
        target.resetButton(pressed);
    }

    @Override
    public boolean powerLed() {
        return target.powerLed();
    }

    @Override
    public boolean hddLed() {
        return target.hddLed();
    }

    @Override
    public void onLedChange(Runnable listener) {
        target.onPowerChange(listener);
    }

    @Override
    public void close() {
        // The target owns its state; the header has nothing of its own.
    }
}
