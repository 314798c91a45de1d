package org.passkvm.vnc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.passkvm.hid.keymap.KeyCodes;
import org.passkvm.hid.keymap.Keystroke;
import org.passkvm.hid.keymap.Layout;

/**
 * X11 keysyms (what RFB key events carry) to HID usages. Function and modifier keysyms name a physical key; character
 * keysyms are looked up in the target's keyboard layout, the reverse of what paste types, and only the key is pressed:
 * the viewer sends Shift and AltGr as keys of their own. QEMU's extended key events make this unnecessary (see
 * {@link XtScancodes}); viewers without them get what the layout can reach.
 */
final class Keysyms {

    private static final Map<Integer, String> KEYS = new HashMap<>();

    static {
        key(0xFF08, "Backspace");
        key(0xFF09, "Tab");
        key(0xFE20, "Tab"); // ISO_Left_Tab: Shift+Tab
        key(0xFF0D, "Enter");
        key(0xFF13, "Pause");
        key(0xFF14, "ScrollLock");
        key(0xFF15, "PrintScreen"); // Sys_Req
        key(0xFF1B, "Escape");
        key(0xFF50, "Home");
        key(0xFF51, "ArrowLeft");
        key(0xFF52, "ArrowUp");
        key(0xFF53, "ArrowRight");
        key(0xFF54, "ArrowDown");
        key(0xFF55, "PageUp");
        key(0xFF56, "PageDown");
        key(0xFF57, "End");
        key(0xFF61, "PrintScreen");
        key(0xFF63, "Insert");
        key(0xFF67, "ContextMenu");
        key(0xFF7F, "NumLock");
        key(0xFF8D, "NumpadEnter");
        key(0xFF95, "Numpad7"); // KP_Home and friends: the keypad with Num Lock off
        key(0xFF96, "Numpad4");
        key(0xFF97, "Numpad8");
        key(0xFF98, "Numpad6");
        key(0xFF99, "Numpad2");
        key(0xFF9A, "Numpad9");
        key(0xFF9B, "Numpad3");
        key(0xFF9C, "Numpad1");
        key(0xFF9D, "Numpad5");
        key(0xFF9E, "Numpad0");
        key(0xFF9F, "NumpadDecimal");
        key(0xFFAA, "NumpadMultiply");
        key(0xFFAB, "NumpadAdd");
        key(0xFFAD, "NumpadSubtract");
        key(0xFFAE, "NumpadDecimal");
        key(0xFFAF, "NumpadDivide");
        for (int i = 0; i <= 9; i++) {
            key(0xFFB0 + i, "Numpad" + i);
        }
        for (int i = 1; i <= 24; i++) {
            key(0xFFBD + i, "F" + i);
        }
        key(0xFFE1, "ShiftLeft");
        key(0xFFE2, "ShiftRight");
        key(0xFFE3, "ControlLeft");
        key(0xFFE4, "ControlRight");
        key(0xFFE5, "CapsLock");
        key(0xFFE7, "MetaLeft"); // Meta_L: what macOS viewers send for Command
        key(0xFFE8, "MetaRight");
        key(0xFFE9, "AltLeft");
        key(0xFFEA, "AltRight");
        key(0xFFEB, "MetaLeft"); // Super_L: the Windows key
        key(0xFFEC, "MetaRight");
        key(0xFE03, "AltRight"); // ISO_Level3_Shift: AltGr
        key(0xFF7E, "AltRight"); // Mode_switch
        key(0xFFFF, "Delete");
    }

    private final Layout layout;

    Keysyms(Layout layout) {
        this.layout = layout;
    }

    Layout layout() {
        return layout;
    }

    /** The key for this keysym, or empty when neither the table nor the layout has one. */
    OptionalInt usage(int keysym) {
        String code = KEYS.get(keysym);
        if (code != null) {
            return OptionalInt.of(KeyCodes.usage(code).orElseThrow());
        }
        int codePoint = codePoint(keysym);
        if (codePoint < 0) {
            return OptionalInt.empty();
        }
        List<Keystroke> strokes = layout.strokes(codePoint)
                .or(() -> layout.strokes(Character.toLowerCase(codePoint)))
                .orElse(null);
        // A character behind a dead key needs two strokes: not one key the viewer can hold.
        return strokes == null || strokes.size() != 1 ? OptionalInt.empty() : OptionalInt.of(strokes.get(0).usage());
    }

    /** Latin-1 keysyms are their code points; Unicode ones carry it with 0x01000000 set. */
    static int codePoint(int keysym) {
        if (keysym >= 0x20 && keysym <= 0x7E || keysym >= 0xA0 && keysym <= 0xFF) {
            return keysym;
        }
        if ((keysym & 0xFF000000) == 0x01000000) {
            return keysym & 0x00FFFFFF;
        }
        return -1;
    }

    /**
     * A keysym for a HID usage, for servers without extended key events: the table's, else what the key types on a
     * US layout (unshifted); 0 when neither knows it.
     */
    static int keysym(int usage) {
        for (Map.Entry<Integer, String> e : KEYS.entrySet()) {
            if (KeyCodes.usage(e.getValue()).orElse(-1) == usage && e.getKey() >= 0xFF00) {
                return e.getKey();
            }
        }
        return US.strokesFor(usage);
    }

    private static final UsUnshifted US = new UsUnshifted();

    /** The US layout read backwards: which character each key types without Shift. */
    private static final class UsUnshifted {
        private final Map<Integer, Integer> chars = new HashMap<>();

        UsUnshifted() {
            Layout us = Layout.byName("us");
            for (int c = 0x20; c < 0x7F; c++) {
                List<Keystroke> strokes = us.strokes(c).orElse(null);
                if (strokes != null && strokes.size() == 1 && strokes.get(0).modifiers() == 0) {
                    chars.putIfAbsent(strokes.get(0).usage(), c);
                }
            }
        }

        int strokesFor(int usage) {
            return chars.getOrDefault(usage, 0);
        }
    }

    private static void key(int keysym, String code) {
        KEYS.put(keysym, code);
    }
}
