package org.passkvm.vnc;

/** What a VNC server needs to hear for a key PassKVM holds as a HID usage: its QEMU number and a keysym. */
public final class KeyNumbers {

    private KeyNumbers() {}

    /** PC set-1 scancode as QEMU numbers it (0xE0-prefixed keys with the high bit set); 0 when unknown. */
    public static int qnum(int usage) {
        return XtScancodes.qnum(usage);
    }

    /** An X keysym for the key (US layout for characters); 0 when unknown. */
    public static int keysym(int usage) {
        return Keysyms.keysym(usage);
    }
}
