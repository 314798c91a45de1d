package org.passkvm.hid.paste;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.Keystroke;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.keymap.UntypableChar;
import org.tinylog.Logger;

/**
 * Types a text into the target through {@link HidInput}, one key press and release per keystroke, holding Shift
 * or AltGr only for the keystrokes that need them. One job at a time, on its own thread; abortable; everything is
 * released when a job ends, however it ends.
 *
 * <p>Each keystroke is: modifiers down, key down, wait half the delay, key up, modifiers up, wait the delay. The
 * wait while the key is down matters: outputs keep only the newest report when they fall behind, and a press and
 * release sent back to back could merge into nothing.
 */
public final class Typist implements AutoCloseable {

    /**
     * @param defaultDelayMs the wait after each keystroke when a request names none
     * @param minDelayMs the least wait the output can follow (a 9600-baud CH9329 needs more than a USB gadget)
     * @param maxDelayMs the most a request may ask for
     * @param maxChars the longest text accepted
     */
    public record Settings(int defaultDelayMs, int minDelayMs, int maxDelayMs, int maxChars) {
        public static final Settings DEFAULT = new Settings(15, 0, 1000, 64 * 1024);

        public Settings {
            if (minDelayMs < 0 || minDelayMs > maxDelayMs || defaultDelayMs < minDelayMs || defaultDelayMs > maxDelayMs) {
                throw new IllegalArgumentException("paste delays must satisfy 0 <= min <= default <= max, got "
                        + minDelayMs + " <= " + defaultDelayMs + " <= " + maxDelayMs);
            }
        }
    }

    /** Thrown by {@link #start} while another job is typing. */
    public static final class BusyException extends IllegalStateException {
        BusyException(PasteProgress running) {
            super("a paste is already typing (" + running.typed() + " of " + running.total()
                    + " characters); wait for it or abort it first");
        }
    }

    private static final int CAPS_LOCK = 0x39;

    private final HidInput input;
    private final Settings settings;
    private PasteProgress progress = PasteProgress.IDLE;
    private Thread worker;
    private volatile boolean abortRequested;
    /** Characters typed by the running job: a plain counter, so typing allocates nothing per character. */
    private volatile int typedCount;

    public Typist(HidInput input, Settings settings) {
        this.input = input;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Starts typing {@code text} in {@code layout}. Characters the layout cannot type refuse the whole job with an
     * {@link UntypableTextException}, unless {@code skipUntypable}: then they are left out and listed in the progress.
     *
     * @param delayMs wait after each keystroke, or null for the default
     * @throws BusyException while another job is typing
     * @throws IllegalArgumentException for a bad delay or an empty or overlong text
     */
    public synchronized PasteProgress start(String text, Layout layout, Integer delayMs, boolean skipUntypable) {
        if (progress.running()) {
            throw new BusyException(progress());
        }
        int delay = delayMs == null ? settings.defaultDelayMs() : delayMs;
        if (delay < settings.minDelayMs() || delay > settings.maxDelayMs()) {
            throw new IllegalArgumentException("delayMs must be within " + settings.minDelayMs() + ".."
                    + settings.maxDelayMs() + ", got " + delay);
        }
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("text is empty: nothing to type");
        }
        if (text.length() > settings.maxChars()) {
            throw new IllegalArgumentException("text is " + text.length() + " characters; at most "
                    + settings.maxChars() + " can be pasted at once");
        }
        String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
        List<UntypableChar> untypable = layout.untypable(normalized);
        if (!untypable.isEmpty() && !skipUntypable) {
            throw new UntypableTextException(layout.name(), untypable);
        }
        List<List<Keystroke>> plan = new ArrayList<>(normalized.length());
        normalized.codePoints().forEach(c -> layout.strokes(c).ifPresent(plan::add));
        abortRequested = false;
        typedCount = 0;
        progress = new PasteProgress(PasteProgress.State.TYPING, layout.name(), 0, plan.size(), delay,
                List.copyOf(untypable), null, System.currentTimeMillis(), 0);
        worker = new Thread(() -> type(plan, delay), "paste");
        worker.setDaemon(true);
        worker.start();
        return progress;
    }

    public synchronized PasteProgress progress() {
        PasteProgress p = progress;
        if (p.running() && p.typed() != typedCount) {
            p = new PasteProgress(p.state(), p.layout(), typedCount, p.total(), p.delayMs(), p.skipped(), null,
                    p.startedAtMillis(), 0);
        }
        return p;
    }

    /** Stops a running job (keys are released before this returns); a no-op when nothing is typing. */
    public PasteProgress abort() {
        Thread running;
        synchronized (this) {
            running = worker;
            if (running == null || !progress.running()) {
                return progress;
            }
            abortRequested = true;
            running.interrupt();
        }
        try {
            running.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return progress();
    }

    /** Waits until no job is typing, for tests and for shutdown; true if idle. */
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

    private void type(List<List<Keystroke>> plan, int delay) {
        boolean capsWasOn = input.output().status().leds().capsLock();
        PasteProgress.State end = PasteProgress.State.DONE;
        String error = null;
        try {
            if (capsWasOn) {
                input.tap(CAPS_LOCK); // typed characters must not come out in the wrong case
                pause(delay);
            }
            for (int i = 0; i < plan.size(); i++) {
                for (Keystroke k : plan.get(i)) {
                    press(k, delay);
                }
                typedCount = i + 1;
            }
        } catch (InterruptedException e) {
            end = PasteProgress.State.ABORTED;
        } catch (RuntimeException e) {
            end = PasteProgress.State.FAILED;
            error = e.toString();
            Logger.warn(e, "Paste failed");
        } finally {
            input.releaseAll();
            if (capsWasOn) {
                input.tap(CAPS_LOCK);
            }
            finished(abortRequested ? PasteProgress.State.ABORTED : end, error);
        }
    }

    private void press(Keystroke k, int delay) throws InterruptedException {
        int[] modifiers = k.modifierUsages();
        for (int m : modifiers) {
            input.keyDown(m);
        }
        input.keyDown(k.usage());
        pause(delay / 2);
        input.keyUp(k.usage());
        for (int i = modifiers.length - 1; i >= 0; i--) {
            input.keyUp(modifiers[i]);
        }
        pause(delay);
    }

    private void pause(int millis) throws InterruptedException {
        if (abortRequested || Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private synchronized void finished(PasteProgress.State state, String error) {
        PasteProgress p = progress;
        progress = new PasteProgress(state, p.layout(), typedCount, p.total(), p.delayMs(), p.skipped(), error,
                p.startedAtMillis(), System.currentTimeMillis());
        Logger.info("Paste {}: {} of {} characters in layout {}", state.name().toLowerCase(), typedCount, p.total(),
                p.layout());
    }

    /** Aborts a running job. */
    @Override
    public void close() {
        abort();
    }
}
