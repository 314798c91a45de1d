package org.passkvm.power;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * The power actions, pressed on an {@link Atx} one at a time. A second request while one runs is
 * refused with {@link PowerBusyException} rather than queued: a queued "reset" arriving after a
 * "cycle" finished would surprise everybody. Every press is released in a finally block, so no
 * button stays held whatever happens.
 */
public final class PowerControl implements AutoCloseable {

    /** How an action ended: pressed, or skipped because the target already was where asked. */
    public record Outcome(PowerAction action, boolean pressed, String detail) {}

    private final Atx atx;
    private final PressTimings timings;
    private final AtomicReference<PowerAction> busy = new AtomicReference<>();
    private final List<Consumer<PowerState>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService presser = Executors.newSingleThreadExecutor(r -> daemon(r, "atx-press"));
    // Listeners (WebSockets) may block; they must never run on the LED's or the presser's thread.
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> daemon(r, "atx-notify"));

    public PowerControl(Atx atx, PressTimings timings) {
        this.atx = atx;
        this.timings = timings;
        atx.onLedChange(this::changed);
    }

    public PowerState state() {
        return new PowerState(atx.powerLed(), atx.hddLed(), busy.get(), atx.kind());
    }

    public PressTimings timings() {
        return timings;
    }

    /** Called with the new state on every LED change and when an action starts or ends. */
    public void onChange(Consumer<PowerState> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<PowerState> listener) {
        listeners.remove(listener);
    }

    /**
     * Starts an action and returns at once; the future completes when its last button is released.
     *
     * @throws PowerBusyException when another action is still running
     */
    public CompletableFuture<Outcome> start(PowerAction action) {
        if (!busy.compareAndSet(null, action)) {
            PowerAction running = busy.get();
            throw new PowerBusyException(running == null ? action : running);
        }
        changed();
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        try {
            presser.execute(() -> {
                Outcome outcome = null;
                Throwable failure = null;
                try {
                    outcome = perform(action);
                } catch (Throwable e) {
                    Logger.warn(e, "Power action {} failed", action.id());
                    failure = e;
                } finally {
                    busy.set(null);
                    changed();
                }
                // Completed only once free again, so whoever waited may start the next action at once.
                if (failure == null) {
                    done.complete(outcome);
                } else {
                    done.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            busy.set(null);
            throw e;
        }
        return done;
    }

    private Outcome perform(PowerAction action) throws InterruptedException {
        Logger.info("Power action: {}", action.id());
        return switch (action) {
            case ON -> atx.powerLed() ? skipped(action, "already on") : pressPower(action, timings.press());
            case OFF -> atx.powerLed() ? pressPower(action, timings.press()) : skipped(action, "already off");
            case OFF_HARD -> atx.powerLed() ? pressPower(action, timings.longPress()) : skipped(action, "already off");
            case PUSH -> pressPower(action, timings.press());
            case RESET -> pressReset();
            case CYCLE -> cycle();
        };
    }

    private Outcome cycle() throws InterruptedException {
        if (atx.powerLed()) {
            hold(atx::setPowerButton, timings.longPress());
            if (atx.powerLed()) {
                return new Outcome(PowerAction.CYCLE, true, "still on after the long press; not switching on again");
            }
            Thread.sleep(timings.cycleOffPause().toMillis());
        }
        hold(atx::setPowerButton, timings.press());
        return new Outcome(PowerAction.CYCLE, true, "off and on again");
    }

    private Outcome pressPower(PowerAction action, Duration length) throws InterruptedException {
        hold(atx::setPowerButton, length);
        return new Outcome(action, true, "pressed power for " + length.toMillis() + " ms");
    }

    private Outcome pressReset() throws InterruptedException {
        hold(atx::setResetButton, timings.resetPress());
        return new Outcome(PowerAction.RESET, true, "pressed reset for " + timings.resetPress().toMillis() + " ms");
    }

    private static void hold(Consumer<Boolean> button, Duration length) throws InterruptedException {
        button.accept(true);
        try {
            Thread.sleep(length.toMillis());
        } finally {
            button.accept(false);
        }
    }

    private static Outcome skipped(PowerAction action, String why) {
        return new Outcome(action, false, why);
    }

    private void changed() {
        if (listeners.isEmpty() || notifier.isShutdown()) {
            return;
        }
        // Taken now, not when the notifier runs: a late notifier must still tell of a short press.
        PowerState s = state();
        try {
            notifier.execute(() -> {
                for (Consumer<PowerState> l : listeners) {
                    try {
                        l.accept(s);
                    } catch (RuntimeException e) {
                        Logger.debug(e, "Power state listener failed");
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closing
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        presser.shutdownNow(); // interrupts a press; its finally releases the button
        notifier.shutdownNow();
        try {
            presser.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        atx.setPowerButton(false);
        atx.setResetButton(false);
    }
}
