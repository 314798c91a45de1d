package org.passkvm.hid.keymap;

import java.text.Normalizer;
import java.util.Map;

/**
 * What a dead key does to the next character: its accent as a Unicode combining mark, composed the way the
 * hosts' layouts compose it. Composition is limited to Latin-1 letters (À..ÿ) because those are what every
 * Windows, Linux and macOS dead-key table agrees on; rarer pairs (ĉ, ǹ) differ between systems.
 */
final class DeadKeys {

    /** Spacing accent (as the layout tables name the dead key) → combining mark. */
    private static final Map<Integer, Character> COMBINING = Map.of(
            (int) '^', '\u0302',
            (int) '`', '\u0300',
            (int) '´', '\u0301',
            (int) '¨', '\u0308',
            (int) '~', '\u0303');

    private DeadKeys() {}

    static boolean known(int accent) {
        return COMBINING.containsKey(accent);
    }

    /** The character dead key {@code accent} followed by {@code base} types, or 0 if the pair does not compose. */
    static int compose(int accent, int base) {
        if (base == ' ') {
            return accent;
        }
        Character mark = COMBINING.get(accent);
        if (mark == null || !Character.isLetter(base)) {
            return 0;
        }
        String composed = Normalizer.normalize(new String(Character.toChars(base)) + mark, Normalizer.Form.NFC);
        if (composed.codePointCount(0, composed.length()) != 1) {
            return 0;
        }
        int c = composed.codePointAt(0);
        return c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7 ? c : 0;
    }
}
