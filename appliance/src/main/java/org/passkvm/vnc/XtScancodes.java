package org.passkvm.vnc;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.passkvm.hid.keymap.KeyCodes;

/**
 * QEMU's key numbers ("qnum": PC set-1 scancodes, 0xE0-prefixed keys with the high bit set) to HID usages, through
 * the W3C code names. These name the physical key, so a viewer on any layout types exactly what the user pressed.
 */
final class XtScancodes {

    private static final Map<Integer, String> CODES = new HashMap<>();

    static {
        String[] row = {"Escape", "Digit1", "Digit2", "Digit3", "Digit4", "Digit5", "Digit6", "Digit7", "Digit8", "Digit9",
            "Digit0", "Minus", "Equal", "Backspace", "Tab", "KeyQ", "KeyW", "KeyE", "KeyR", "KeyT", "KeyY", "KeyU", "KeyI",
            "KeyO", "KeyP", "BracketLeft", "BracketRight", "Enter", "ControlLeft", "KeyA", "KeyS", "KeyD", "KeyF", "KeyG",
            "KeyH", "KeyJ", "KeyK", "KeyL", "Semicolon", "Quote", "Backquote", "ShiftLeft", "Backslash", "KeyZ", "KeyX",
            "KeyC", "KeyV", "KeyB", "KeyN", "KeyM", "Comma", "Period", "Slash", "ShiftRight", "NumpadMultiply", "AltLeft",
            "Space", "CapsLock", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "NumLock", "ScrollLock",
            "Numpad7", "Numpad8", "Numpad9", "NumpadSubtract", "Numpad4", "Numpad5", "Numpad6", "NumpadAdd", "Numpad1",
            "Numpad2", "Numpad3", "Numpad0", "NumpadDecimal"};
        for (int i = 0; i < row.length; i++) {
            CODES.put(0x01 + i, row[i]);
        }
        CODES.put(0x56, "IntlBackslash");
        CODES.put(0x57, "F11");
        CODES.put(0x58, "F12");
        CODES.put(0x59, "NumpadEqual");
        CODES.put(0x70, "KanaMode");
        CODES.put(0x73, "IntlRo");
        CODES.put(0x79, "Convert");
        CODES.put(0x7B, "NonConvert");
        CODES.put(0x7D, "IntlYen");
        CODES.put(0x7E, "NumpadComma");
        CODES.put(0x9C, "NumpadEnter");
        CODES.put(0x9D, "ControlRight");
        CODES.put(0xA0, "AudioVolumeMute");
        CODES.put(0xAE, "AudioVolumeDown");
        CODES.put(0xB0, "AudioVolumeUp");
        CODES.put(0xB5, "NumpadDivide");
        CODES.put(0xB7, "PrintScreen");
        CODES.put(0x54, "PrintScreen"); // SysRq, which Alt+PrintScreen sends
        CODES.put(0xB8, "AltRight");
        CODES.put(0xC6, "Pause");
        CODES.put(0xC7, "Home");
        CODES.put(0xC8, "ArrowUp");
        CODES.put(0xC9, "PageUp");
        CODES.put(0xCB, "ArrowLeft");
        CODES.put(0xCD, "ArrowRight");
        CODES.put(0xCF, "End");
        CODES.put(0xD0, "ArrowDown");
        CODES.put(0xD1, "PageDown");
        CODES.put(0xD2, "Insert");
        CODES.put(0xD3, "Delete");
        CODES.put(0xDB, "MetaLeft");
        CODES.put(0xDC, "MetaRight");
        CODES.put(0xDD, "ContextMenu");
        CODES.put(0xDE, "Power");
    }

    /** HID usage to QEMU number: the reverse, for PassKVM's own client; the 0xE0 form where a key has two. */
    private static final Map<Integer, Integer> QNUMS = new HashMap<>();

    static {
        CODES.forEach((qnum, code) -> {
            int usage = KeyCodes.usage(code).orElseThrow();
            QNUMS.merge(usage, qnum, Math::max);
        });
    }

    private XtScancodes() {}

    /** The QEMU number for a HID usage, or 0 when the key has none. */
    static int qnum(int usage) {
        return QNUMS.getOrDefault(usage, 0);
    }

    static OptionalInt usage(int qnum) {
        String code = CODES.get(qnum);
        return code == null ? OptionalInt.empty() : OptionalInt.of(KeyCodes.usage(code).orElseThrow());
    }
}
