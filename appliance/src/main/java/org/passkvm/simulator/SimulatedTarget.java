package org.passkvm.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntBinaryOperator;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.RelativeMouseReport;

/**
 * A PC that PassKVM is plugged into, in software. It powers on and off from its ATX header,
 * boots for a moment, then shows a text console that echoes what its keyboard types and a
 * pointer where its mice put it. Its screen is {@link #screen()}, a video source like any other.
 */
public final class SimulatedTarget implements AutoCloseable {

    public enum Power { OFF, BOOTING, ON, SHUTTING_DOWN }

    /** What tests and the demo API can read back: the target's own view of its input. */
    public record State(Power power, List<String> lines, int pointerX, int pointerY, List<int[]> clicks,
            KeyboardLeds leds, long keystrokes) {}

    public static final int WIDTH = 1280;
    public static final int HEIGHT = 720;
    private static final int MAX_LINES = 30;
    private static final String PROMPT = "demo$ ";

    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "simulated-target");
        t.setDaemon(true);
        return t;
    });
    private final Deque<StringBuilder> lines = new ArrayDeque<>();
    private final List<int[]> clicks = new ArrayList<>();
    private final List<Consumer<KeyboardLeds>> ledListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> powerListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> keyListeners = new CopyOnWriteArrayList<>();
    private final TargetKeyboard keyboard;
    private final TargetScreen screen;
    private final long bootMillis;
    private volatile IntBinaryOperator charOf = UsKeys::charOf;
    private Power power;
    private int pointerX = WIDTH / 2;
    private int pointerY = HEIGHT / 2;
    private int buttons;
    private long keystrokes;
    private long version;
    private long hddActiveUntil;

    public SimulatedTarget(boolean poweredOn, long bootMillis) {
        this.bootMillis = bootMillis;
        this.keyboard = new TargetKeyboard(this::typed, leds -> ledListeners.forEach(l -> l.accept(leds)));
        this.screen = new TargetScreen(this);
        this.power = poweredOn ? Power.ON : Power.OFF;
        clearScreen();
    }

    public TargetScreen screen() {
        return screen;
    }

    /** Chooses how the target's OS turns key usages into characters: (usage, modifiers) → char or 0. */
    public void setKeyboardLayout(IntBinaryOperator layout) {
        this.charOf = layout;
    }

    // ---- USB: what the gadget's endpoints would carry ----

    public synchronized void receiveKeyboard(byte[] wire) {
        if (power != Power.ON) {
            return;
        }
        keyboard.receive(wire);
    }

    public synchronized void receiveAbsolute(byte[] wire) {
        if (power != Power.ON) {
            return;
        }
        AbsoluteMouseReport r = AbsoluteMouseReport.parse(wire);
        // A USB host scales the logical range 0..32767 onto the screen, as this does.
        pointerX = (int) ((long) r.x() * (WIDTH - 1) / AbsoluteMouseReport.MAX);
        pointerY = (int) ((long) r.y() * (HEIGHT - 1) / AbsoluteMouseReport.MAX);
        buttonsChanged(r.buttons());
        changed();
    }

    public synchronized void receiveRelative(byte[] wire) {
        if (power != Power.ON) {
            return;
        }
        RelativeMouseReport r = RelativeMouseReport.parse(wire);
        pointerX = Math.max(0, Math.min(WIDTH - 1, pointerX + r.dx()));
        pointerY = Math.max(0, Math.min(HEIGHT - 1, pointerY + r.dy()));
        buttonsChanged(r.buttons());
        changed();
    }

    /** Called for every key the powered-on target receives (its demo sound beeps); must not block. */
    public void onKeyPress(Runnable listener) {
        keyListeners.add(listener);
    }

    public void onLeds(Consumer<KeyboardLeds> listener) {
        ledListeners.add(listener);
    }

    // ---- ATX: what the front-panel header would carry ----

    private long powerPressedAt = -1;
    private long resetPressedAt = -1;

    public synchronized void powerButton(boolean pressed) {
        long now = System.currentTimeMillis();
        if (pressed) {
            powerPressedAt = now;
            // A real board cuts power after ~4 s held, while the button is still down.
            clock.schedule(this::checkLongPress, 4000, TimeUnit.MILLISECONDS);
            return;
        }
        if (powerPressedAt < 0) {
            return;
        }
        long held = now - powerPressedAt;
        powerPressedAt = -1;
        if (held >= 4000) {
            return; // the long press already switched the target off
        }
        if (power == Power.OFF) {
            setPower(Power.BOOTING);
            clock.schedule(this::bootFinished, bootMillis, TimeUnit.MILLISECONDS);
        } else if (power == Power.ON) {
            setPower(Power.SHUTTING_DOWN); // the OS hears the ACPI button and shuts down cleanly
            clock.schedule(() -> setPowerIf(Power.SHUTTING_DOWN, Power.OFF), Math.max(200, bootMillis / 2), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void checkLongPress() {
        if (powerPressedAt >= 0 && System.currentTimeMillis() - powerPressedAt >= 3990 && power != Power.OFF) {
            setPower(Power.OFF);
        }
    }

    public synchronized void resetButton(boolean pressed) {
        if (pressed) {
            resetPressedAt = System.currentTimeMillis();
        } else if (resetPressedAt >= 0) {
            resetPressedAt = -1;
            if (power != Power.OFF) {
                setPower(Power.BOOTING);
                clock.schedule(this::bootFinished, bootMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    public synchronized boolean powerLed() {
        return power != Power.OFF;
    }

    public synchronized boolean hddLed() {
        return power == Power.BOOTING || System.currentTimeMillis() < hddActiveUntil;
    }

    public void onPowerChange(Runnable listener) {
        powerListeners.add(listener);
    }

    public synchronized Power power() {
        return power;
    }

    public synchronized State state() {
        List<String> text = lines.stream().map(StringBuilder::toString).toList();
        return new State(power, text, pointerX, pointerY, List.copyOf(clicks), keyboard.leds(), keystrokes);
    }

    // ---- internals ----

    private void typed(int usage, int modifiers) {
        keystrokes++;
        keyListeners.forEach(Runnable::run);
        hddActiveUntil = System.currentTimeMillis() + 100;
        StringBuilder line = lines.peekLast();
        switch (usage) {
            case 0x28, 0x58 -> newLine(PROMPT);
            case 0x2A -> {
                if (line.length() > PROMPT.length()) {
                    line.setLength(line.length() - 1);
                }
            }
            default -> {
                int c = charOf.applyAsInt(usage, modifiers | (keyboard.leds().capsLock() ? UsKeys.CAPS_LOCK : 0));
                if (c != 0) {
                    if (line.length() >= 150) {
                        newLine("");
                        line = lines.peekLast();
                    }
                    line.appendCodePoint(c);
                }
            }
        }
        changed();
    }

    private void buttonsChanged(int now) {
        int pressed = now & ~buttons;
        if (pressed != 0) {
            clicks.add(new int[] {pointerX, pointerY, pressed});
            if (clicks.size() > 20) {
                clicks.remove(0);
            }
        }
        buttons = now;
    }

    private void newLine(String start) {
        lines.addLast(new StringBuilder(start));
        while (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
    }

    private void clearScreen() {
        lines.clear();
        clicks.clear();
        lines.add(new StringBuilder("PassKVM simulated target. Type here; click anywhere."));
        newLine(PROMPT);
    }

    private synchronized void bootFinished() {
        if (power == Power.BOOTING) {
            clearScreen();
            keyboard.reset();
            setPower(Power.ON);
        }
    }

    private synchronized void setPowerIf(Power expected, Power next) {
        if (power == expected) {
            setPower(next);
        }
    }

    private synchronized void setPower(Power next) {
        power = next;
        changed();
        powerListeners.forEach(Runnable::run);
    }

    private void changed() {
        version++;
        screen.invalidate();
    }

    synchronized long version() {
        return version;
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
