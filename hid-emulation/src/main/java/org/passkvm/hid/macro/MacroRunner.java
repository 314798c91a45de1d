package org.passkvm.hid.macro;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.PasteProgress;
import org.passkvm.hid.paste.Typist;
import org.tinylog.Logger;

/**
 * Replays a macro as one job, under the paste rules: its text goes through the {@link Typist} (the layout, the delay,
 * abort), the other steps wait the same delay after each, one job at a time with paste (busy while either runs), an
 * abort stops it and lets go of every key and button.
 */
public final class MacroRunner implements AutoCloseable {

    public enum State { IDLE, RUNNING, DONE, ABORTED, FAILED }

    /** Where a run is: which macro, how many of its steps are done. */
    public record Progress(State state, String macro, int step, int steps, String error) {}

    /** Another macro or a paste is running. */
    public static final class BusyException extends IllegalStateException {
        public BusyException(String message) {
            super(message);
        }
    }

    private final HidInput input;
    private final Typist typist;
    private Progress progress = new Progress(State.IDLE, "", 0, 0, null);
    private Thread worker;
    private volatile boolean abortRequested;
    private volatile int done;

    public MacroRunner(HidInput input, Typist typist) {
        this.input = input;
        this.typist = typist;
    }

    public synchronized Progress start(String name, List<MacroScript.Step> steps, Layout layout, Integer delayMs) {
        if (progress.state() == State.RUNNING) {
            throw new BusyException("macro '" + progress.macro() + "' is running");
        }
        if (typist.progress().running()) {
            throw new BusyException("a paste is typing");
        }
        int delay = delayMs == null ? typist.settings().defaultDelayMs() : delayMs;
        if (delay < typist.settings().minDelayMs() || delay > typist.settings().maxDelayMs()) {
            throw new IllegalArgumentException("delayMs must be within " + typist.settings().minDelayMs() + ".."
                    + typist.settings().maxDelayMs() + ", got " + delay);
        }
        abortRequested = false;
        done = 0;
        progress = new Progress(State.RUNNING, name, 0, steps.size(), null);
        worker = new Thread(() -> run(name, steps, layout, delay), "macro");
        worker.setDaemon(true);
        worker.start();
        return progress;
    }

    public synchronized Progress progress() {
        return progress.state() == State.RUNNING ? new Progress(State.RUNNING, progress.macro(), done, progress.steps(), null) : progress;
    }

    /** Stops the run (and the text it is typing); every key and button is released before this returns. */
    public Progress abort() {
        Thread running;
        synchronized (this) {
            running = worker;
            if (running == null || progress.state() != State.RUNNING) {
                return progress;
            }
            abortRequested = true;
            running.interrupt();
        }
        typist.abort();
        try {
            running.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return progress();
    }

    /** Waits until no macro runs; true if idle. */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = worker;
        }
        if (running != null) {
            running.join(timeoutMillis);
            return !running.isAlive();
        }
        return true;
    }

    private void run(String name, List<MacroScript.Step> steps, Layout layout, int delay) {
        State end = State.DONE;
        String error = null;
        try {
            for (MacroScript.Step s : steps) {
                step(s, layout, delay);
                done++;
                pause(delay);
            }
        } catch (InterruptedException e) {
            end = State.ABORTED;
        } catch (RuntimeException e) {
            end = State.FAILED;
            error = e.getMessage();
            Logger.warn(e, "Macro {} failed", name);
        } finally {
            input.releaseAll();
            finished(abortRequested ? State.ABORTED : end, error);
        }
    }

    private void step(MacroScript.Step s, Layout layout, int delay) throws InterruptedException {
        int[] n = s.numbers();
        switch (s.verb()) {
            case "type" -> type(s.text(), layout, delay);
            case "tap" -> input.tap(n);
            case "down" -> input.keyDown(n[0]);
            case "up" -> input.keyUp(n[0]);
            case "move" -> input.moveTo(n[0], n[1]);
            case "press" -> input.button(n[0], true);
            case "release" -> input.button(n[0], false);
            case "click" -> {
                input.button(n[0], true);
                pause(delay / 2);
                input.button(n[0], false);
            }
            case "wheel" -> input.scroll(n[0], 0);
            case "wait" -> pause(n[0]);
            default -> throw new IllegalStateException("unknown step " + s.verb());
        }
    }

    private void type(String text, Layout layout, int delay) throws InterruptedException {
        typist.start(text, layout, delay, false);
        while (!typist.awaitIdle(100)) {
            pause(0);
        }
        PasteProgress p = typist.progress();
        if (p.state() == PasteProgress.State.ABORTED) {
            throw new InterruptedException("the text was aborted");
        }
        if (p.state() == PasteProgress.State.FAILED) {
            throw new IllegalStateException("typing failed: " + p.error());
        }
    }

    private void pause(int millis) throws InterruptedException {
        if (abortRequested || Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private synchronized void finished(State state, String error) {
        progress = new Progress(state, progress.macro(), done, progress.steps(), error);
        Logger.info("Macro {} {}: {} of {} steps", progress.macro(), state.name().toLowerCase(), done, progress.steps());
    }

    @Override
    public void close() {
        abort();
    }
}
