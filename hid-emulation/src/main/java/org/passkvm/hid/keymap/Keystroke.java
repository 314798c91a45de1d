package org.passkvm.hid.keymap;

/**
 * One key press as a layout needs it: a key usage and the modifier bits (boot report byte 0) held with it.
 * A character that takes a dead key is two keystrokes: the dead key, then the letter (or Space).
 */
public record Keystroke(int usage, int modifiers) {

    /** Left Shift's bit in the report's modifier byte. */
    public static final int SHIFT = 0x02;
    /** Right Alt's bit: AltGr on Windows and Linux layouts (Windows adds the Left Ctrl it implies itself). */
    public static final int ALTGR = 0x40;
    public static final int LEFT_SHIFT_USAGE = 0xE1;
    public static final int RIGHT_ALT_USAGE = 0xE6;

    /** The modifier key usages to hold for this keystroke, in the order to press them. */
    public int[] modifierUsages() {
        if (modifiers == SHIFT) {
            return new int[] {LEFT_SHIFT_USAGE};
        }
        if (modifiers == ALTGR) {
            return new int[] {RIGHT_ALT_USAGE};
        }
        if (modifiers == (SHIFT | ALTGR)) {
            return new int[] {RIGHT_ALT_USAGE, LEFT_SHIFT_USAGE};
        }
        return new int[0];
    }
}
