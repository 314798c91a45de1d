package org.passkvm.hid;

/** The keyboard LEDs as the host set them through the boot keyboard's output report. */
public record KeyboardLeds(boolean numLock, boolean capsLock, boolean scrollLock) {

    public static final KeyboardLeds OFF = new KeyboardLeds(false, false, false);

    /** Decodes the output report byte: bit 0 Num Lock, bit 1 Caps Lock, bit 2 Scroll Lock (HID 1.11, appendix B). */
    public static KeyboardLeds fromReport(int bits) {
        return new KeyboardLeds((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0);
    }

    public int toReport() {
        return (numLock ? 1 : 0) | (capsLock ? 2 : 0) | (scrollLock ? 4 : 0);
    }
}
