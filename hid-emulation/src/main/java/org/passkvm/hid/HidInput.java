package org.passkvm.hid;

import java.util.Arrays;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

/**
 * The state of the target's keyboard and mouse as PassKVM presses them: which keys and buttons
 * are down, where the pointer is. Every change becomes one report on the {@link HidOutput}.
 * One instance per target; thread-safe, so the console, paste and the REST API can share it.
 */
public final class HidInput {

    /** Modifier usages 0xE0..0xE7 travel as bits in the report's first byte, not as keys. */
    private static final int FIRST_MODIFIER = 0xE0;
    private static final int LAST_MODIFIER = 0xE7;
    private static final int MAX_KEYS = 6;
    /** HID 1.11 "ErrorRollOver": what a keyboard reports when more keys are down than it can tell. */
    private static final int ROLLOVER = 0x01;

    public enum MouseMode { ABSOLUTE, RELATIVE }

    private final HidOutput output;
    private int modifiers;
    private final int[] keys = new int[MAX_KEYS + 1];
    private int keyCount;
    private int buttons;
    private int x = AbsoluteMouseReport.MAX / 2;
    private int y = AbsoluteMouseReport.MAX / 2;
    private MouseMode mouseMode = MouseMode.ABSOLUTE;
    /** When a person last used the mouse (System.nanoTime); a day before start means never. */
    private long lastPointerNanos = System.nanoTime() - java.util.concurrent.TimeUnit.DAYS.toNanos(1);
    /** A nudge's step in absolute units: about one pixel on a 1366 px wide screen, less on wider ones. */
    static final int NUDGE_UNITS = 24;

    public HidInput(HidOutput output) {
        this.output = output;
    }

    public HidOutput output() {
        return output;
    }

    public synchronized void keyDown(int usage) {
        if (isModifier(usage)) {
            modifiers |= 1 << (usage - FIRST_MODIFIER);
        } else if (indexOf(usage) < 0 && keyCount < keys.length) {
            keys[keyCount++] = usage;
        } else if (indexOf(usage) >= 0) {
            return; // auto-repeat from the browser: the key is already down
        }
        sendKeyboard();
    }

    public synchronized void keyUp(int usage) {
        if (isModifier(usage)) {
            modifiers &= ~(1 << (usage - FIRST_MODIFIER));
        } else {
            int i = indexOf(usage);
            if (i < 0) {
                return;
            }
            System.arraycopy(keys, i + 1, keys, i, keyCount - i - 1);
            keyCount--;
        }
        sendKeyboard();
    }

    /** Presses and releases a chord, e.g. Ctrl+Alt+Del, leaving other held keys as they were. */
    public synchronized void tap(int... usages) {
        for (int usage : usages) {
            keyDown(usage);
        }
        for (int i = usages.length - 1; i >= 0; i--) {
            keyUp(usages[i]);
        }
    }

    public synchronized boolean anyKeyDown() {
        return modifiers != 0 || keyCount != 0;
    }

    /** Lets go of every key and button: called when a console disconnects or a session ends. */
    public synchronized void releaseAll() {
        modifiers = 0;
        keyCount = 0;
        buttons = 0;
        sendKeyboard();
        if (mouseMode == MouseMode.ABSOLUTE) {
            sendAbsolute(0, 0);
        } else {
            output.relativeMouse(new RelativeMouseReport(0, 0, 0, 0));
        }
    }

    public synchronized void setMouseMode(MouseMode mode) {
        if (mode != mouseMode) {
            buttons = 0;
            mouseMode = mode;
        }
    }

    public synchronized MouseMode mouseMode() {
        return mouseMode;
    }

    /** Moves the absolute pointer; coordinates are 0..32767 across the target's screen. */
    public synchronized void moveTo(int newX, int newY) {
        lastPointerNanos = System.nanoTime();
        x = clamp(newX);
        y = clamp(newY);
        sendAbsolute(0, 0);
    }

    /** Moves the relative pointer, split into as many reports as the int8 fields need. */
    public synchronized void moveBy(int dx, int dy) {
        lastPointerNanos = System.nanoTime();
        while (dx != 0 || dy != 0) {
            int stepX = Math.max(-127, Math.min(127, dx));
            int stepY = Math.max(-127, Math.min(127, dy));
            output.relativeMouse(new RelativeMouseReport(buttons, stepX, stepY, 0));
            dx -= stepX;
            dy -= stepY;
        }
    }

    /** Button 0 left, 1 right, 2 middle, 3 back, 4 forward. */
    public synchronized void button(int button, boolean down) {
        if (button < 0 || button > 4) {
            throw new IllegalArgumentException("mouse button must be 0..4, got " + button);
        }
        lastPointerNanos = System.nanoTime();
        buttons = down ? buttons | 1 << button : buttons & ~(1 << button);
        sendPointer(0, 0);
    }

    /** Scrolls; positive wheel is away from the user, positive pan is to the right. */
    public synchronized void scroll(int wheel, int pan) {
        lastPointerNanos = System.nanoTime();
        sendPointer(wheel, pan);
    }

    /** When a person last moved, clicked or scrolled (System.nanoTime); {@link #nudge} does not count. */
    public synchronized long lastPointerNanos() {
        return lastPointerNanos;
    }

    /**
     * A movement the target's idle timer sees and a person does not: a step of about a pixel and straight back, the
     * pointer left where it was, the buttons as they are.
     */
    public synchronized void nudge() {
        if (mouseMode == MouseMode.ABSOLUTE) {
            int nx = x + NUDGE_UNITS <= AbsoluteMouseReport.MAX ? x + NUDGE_UNITS : x - NUDGE_UNITS;
            output.absoluteMouse(new AbsoluteMouseReport(buttons, nx, y, 0, 0));
            sendAbsolute(0, 0);
        } else {
            output.relativeMouse(new RelativeMouseReport(buttons, 1, 0, 0));
            output.relativeMouse(new RelativeMouseReport(buttons, -1, 0, 0));
        }
    }

    private void sendPointer(int wheel, int pan) {
        if (mouseMode == MouseMode.ABSOLUTE) {
            sendAbsolute(wheel, pan);
        } else {
            output.relativeMouse(new RelativeMouseReport(buttons, 0, 0, wheel));
        }
    }

    private void sendAbsolute(int wheel, int pan) {
        output.absoluteMouse(new AbsoluteMouseReport(buttons, x, y, wheel, pan));
    }

    private void sendKeyboard() {
        if (keyCount > MAX_KEYS) {
            int[] rollover = new int[MAX_KEYS];
            Arrays.fill(rollover, ROLLOVER);
            output.keyboard(KeyboardReport.of(modifiers, rollover));
        } else {
            output.keyboard(KeyboardReport.of(modifiers, Arrays.copyOf(keys, keyCount)));
        }
    }

    private int indexOf(int usage) {
        for (int i = 0; i < keyCount; i++) {
            if (keys[i] == usage) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isModifier(int usage) {
        return usage >= FIRST_MODIFIER && usage <= LAST_MODIFIER;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(AbsoluteMouseReport.MAX, v));
    }
}
