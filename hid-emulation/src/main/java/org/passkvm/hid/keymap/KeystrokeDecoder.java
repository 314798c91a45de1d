package org.passkvm.hid.keymap;

import java.util.function.IntBinaryOperator;

/**
 * A host's view of key presses in one layout: (usage, modifier bits) → the character typed, or 0. It keeps the
 * pending dead key between presses, as a host does, so use one decoder per keyboard and feed it every press in order.
 * Caps Lock travels as {@link #CAPS_LOCK} in the modifiers (the HID report has no bit for it). An accent that does
 * not compose with the next character is dropped and that character returned (a host would type both).
 */
public final class KeystrokeDecoder implements IntBinaryOperator {

    /** Not a report bit: the caller's way to say the host's Caps Lock is on. */
    public static final int CAPS_LOCK = 0x100;
    private static final int SHIFTS = 0x22;
    private static final int RIGHT_ALT = 0x40;
    private static final int LEFT_CTRL_ALT = 0x05;
    private static final int CTRL_ALT_GUI = 0x9D;

    private final Layout layout;
    private int pendingAccent;

    KeystrokeDecoder(Layout layout) {
        this.layout = layout;
    }

    public Layout layout() {
        return layout;
    }

    /** The character a press of {@code usage} types with these modifiers held; 0 if none (yet). */
    public synchronized int decode(int usage, int modifiers) {
        int held = modifiers & 0xFF;
        boolean altGr = (held & RIGHT_ALT) != 0 || (held & LEFT_CTRL_ALT) == LEFT_CTRL_ALT;
        int others = held & CTRL_ALT_GUI & ~(altGr ? RIGHT_ALT | LEFT_CTRL_ALT : 0);
        if (others != 0) {
            return 0; // a shortcut, not text
        }
        if (usage == 0x28 || usage == 0x58) {
            pendingAccent = 0;
            return '\n';
        }
        if (usage == 0x2B) {
            pendingAccent = 0;
            return '\t';
        }
        boolean shift = (held & SHIFTS) != 0;
        if ((modifiers & CAPS_LOCK) != 0 && !altGr && layout.capsLockShifts(usage)) {
            shift = !shift;
        }
        int cell = layout.cell(usage, (shift ? 1 : 0) + (altGr ? 2 : 0));
        if (cell < 0) {
            pendingAccent = -cell;
            return 0;
        }
        int accent = pendingAccent;
        pendingAccent = 0;
        if (cell == 0 || accent == 0) {
            return cell;
        }
        int composed = DeadKeys.compose(accent, cell);
        return composed != 0 ? composed : cell;
    }

    @Override
    public int applyAsInt(int usage, int modifiers) {
        return decode(usage, modifiers);
    }

    /** Forgets a pending dead key, e.g. when the host reboots. */
    public synchronized void reset() {
        pendingAccent = 0;
    }
}
