package org.passkvm.power;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * The real front-panel header on the Pi's GPIO through Pi4J (gpiod on the Pi, the mock provider in
 * tests). The buttons are outputs that start and end released; the LEDs are inputs whose edges are
 * debounced here, because a header LED line picks up noise from the long case cable and the HDD LED
 * flickers with every disk access.
 */
public final class GpioAtx implements Atx {

    private final Context pi4j;
    private final boolean ownsContext;
    private final GpioPins pins;
    private final DigitalOutput powerButton;
    private final DigitalOutput resetButton;
    private final Led powerLed;
    private final Led hddLed;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService debouncer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "atx-debounce");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param ownsContext close the Pi4J context with this header (true when it was made for it)
     */
    public GpioAtx(Context pi4j, boolean ownsContext, GpioPins pins) {
        this.pi4j = pi4j;
        this.ownsContext = ownsContext;
        this.pins = pins;
        this.powerButton = output("atx-power-button", pins.powerButton(), pins.powerButtonActiveHigh());
        this.resetButton = output("atx-reset-button", pins.resetButton(), pins.resetButtonActiveHigh());
        this.powerLed = new Led(input("atx-power-led", pins.powerLed(), pins.powerLedActiveHigh()), pins.powerLedActiveHigh());
        this.hddLed = new Led(input("atx-hdd-led", pins.hddLed(), pins.hddLedActiveHigh()), pins.hddLedActiveHigh());
    }

    private DigitalOutput output(String id, int pin, boolean activeHigh) {
        if (pin < 0) {
            return null;
        }
        DigitalState released = activeHigh ? DigitalState.LOW : DigitalState.HIGH;
        return pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(id).name(id).address(pin)
                .initial(released).shutdown(released));
    }

    private DigitalInput input(String id, int pin, boolean activeHigh) {
        if (pin < 0) {
            return null;
        }
        // Pull towards "off" so an unplugged LED cable reads as dark, not as noise.
        return pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(id).name(id).address(pin)
                .pull(activeHigh ? PullResistance.PULL_DOWN : PullResistance.PULL_UP));
    }

    @Override
    public String kind() {
        return "gpio";
    }

    @Override
    public void setPowerButton(boolean pressed) {
        press(powerButton, pins.powerButtonActiveHigh(), pressed, "power");
    }

    @Override
    public void setResetButton(boolean pressed) {
        press(resetButton, pins.resetButtonActiveHigh(), pressed, "reset");
    }

    private static void press(DigitalOutput out, boolean activeHigh, boolean pressed, String what) {
        if (out == null) {
            if (pressed) {
                throw new IllegalStateException("the " + what + " button is not wired (atx." + what + "_pin)");
            }
            return;
        }
        out.state(pressed == activeHigh ? DigitalState.HIGH : DigitalState.LOW);
    }

    @Override
    public boolean powerLed() {
        return powerLed.lit;
    }

    @Override
    public boolean hddLed() {
        return hddLed.lit;
    }

    @Override
    public void onLedChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        debouncer.shutdownNow();
        try {
            setPowerButton(false);
            setResetButton(false);
        } catch (RuntimeException e) {
            Logger.warn(e, "Releasing the ATX buttons failed");
        }
        if (ownsContext) {
            pi4j.shutdown();
        }
    }

    /** One LED input: an edge starts a quiet period; only a level that holds through it counts. */
    private final class Led {
        private final DigitalInput input;
        private final boolean activeHigh;
        private volatile boolean lit;
        private ScheduledFuture<?> pending;

        Led(DigitalInput input, boolean activeHigh) {
            this.input = input;
            this.activeHigh = activeHigh;
            if (input != null) {
                lit = read();
                input.addListener(e -> edge());
            }
        }

        private boolean read() {
            return (input.state() == DigitalState.HIGH) == activeHigh;
        }

        private synchronized void edge() {
            if (pending != null) {
                pending.cancel(false);
            }
            try {
                pending = debouncer.schedule(this::settle, pins.debounce().toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // shutting down
            }
        }

        private void settle() {
            boolean now = read();
            if (now != lit) {
                lit = now;
                listeners.forEach(Runnable::run);
            }
        }
    }
}
