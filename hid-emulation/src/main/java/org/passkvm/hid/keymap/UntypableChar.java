package org.passkvm.hid.keymap;

/** A character of a text that a layout has no key for, and where it is (index in UTF-16 chars). */
public record UntypableChar(int index, int codePoint) {

    public String character() {
        return new String(Character.toChars(codePoint));
    }

    /** E.g. {@code '€' (U+20AC) at 12}; control characters are shown by code point only. */
    @Override
    public String toString() {
        String shown = Character.isISOControl(codePoint) ? "" : "'" + character() + "' ";
        return shown + String.format("(U+%04X) at %d", codePoint, index);
    }
}
