package org.passkvm.hid.report;

/**
 * The HID report descriptors the gadget announces, matching the wire forms of {@link KeyboardReport},
 * {@link AbsoluteMouseReport} and {@link RelativeMouseReport} byte for byte. A host parses these to learn the report
 * layout, so a wrong byte here means a dead keyboard: the kernel tests check them against Linux's real parser.
 */
public final class ReportDescriptors {

    private ReportDescriptors() {}

    /** HID 1.11 Appendix E.6 (boot keyboard): 8-byte input report, 1-byte LED output report. */
    public static byte[] bootKeyboard() {
        return bytes(
            0x05, 0x01,       // Usage Page (Generic Desktop)
            0x09, 0x06,       // Usage (Keyboard)
            0xA1, 0x01,       // Collection (Application)
            0x05, 0x07,       //   Usage Page (Keyboard/Keypad)
            0x19, 0xE0,       //   Usage Minimum (Left Control)
            0x29, 0xE7,       //   Usage Maximum (Right GUI)
            0x15, 0x00,       //   Logical Minimum (0)
            0x25, 0x01,       //   Logical Maximum (1)
            0x75, 0x01,       //   Report Size (1)
            0x95, 0x08,       //   Report Count (8)
            0x81, 0x02,       //   Input (Data, Variable, Absolute): modifier bits
            0x95, 0x01,       //   Report Count (1)
            0x75, 0x08,       //   Report Size (8)
            0x81, 0x01,       //   Input (Constant): reserved byte
            0x95, 0x05,       //   Report Count (5)
            0x75, 0x01,       //   Report Size (1)
            0x05, 0x08,       //   Usage Page (LEDs)
            0x19, 0x01,       //   Usage Minimum (Num Lock)
            0x29, 0x05,       //   Usage Maximum (Kana)
            0x91, 0x02,       //   Output (Data, Variable, Absolute): LED bits
            0x95, 0x01,       //   Report Count (1)
            0x75, 0x03,       //   Report Size (3)
            0x91, 0x01,       //   Output (Constant): LED padding
            0x95, 0x06,       //   Report Count (6)
            0x75, 0x08,       //   Report Size (8)
            0x15, 0x00,       //   Logical Minimum (0)
            0x25, 0x65,       //   Logical Maximum (101)
            0x05, 0x07,       //   Usage Page (Keyboard/Keypad)
            0x19, 0x00,       //   Usage Minimum (0)
            0x29, 0x65,       //   Usage Maximum (101, Application): covers IntlBackslash 0x64
            0x81, 0x00,       //   Input (Data, Array): six key slots
            0xC0);            // End Collection
    }

    /**
     * Absolute pointer: 5 buttons, X/Y 0..32767, wheel, and optionally horizontal pan (Consumer page AC Pan, which
     * Linux maps to REL_HWHEEL). Some BIOS/UEFI setups choke on the pan usage, hence the variant without it.
     */
    public static byte[] absoluteMouse(boolean withPan) {
        byte[] common = concat(mouseWithFiveButtons(), bytes(
            0x05, 0x01,       //     Usage Page (Generic Desktop)
            0x09, 0x30,       //     Usage (X)
            0x09, 0x31,       //     Usage (Y)
            0x15, 0x00,       //     Logical Minimum (0)
            0x26, 0xFF, 0x7F, //     Logical Maximum (32767)
            0x75, 0x10,       //     Report Size (16)
            0x95, 0x02,       //     Report Count (2)
            0x81, 0x02,       //     Input (Data, Variable, Absolute): X, Y
            0x09, 0x38,       //     Usage (Wheel)
            0x15, 0x81,       //     Logical Minimum (-127)
            0x25, 0x7F,       //     Logical Maximum (127)
            0x75, 0x08,       //     Report Size (8)
            0x95, 0x01,       //     Report Count (1)
            0x81, 0x06));     //     Input (Data, Variable, Relative): wheel
        byte[] pan = bytes(
            0x05, 0x0C,       //     Usage Page (Consumer)
            0x0A, 0x38, 0x02, //     Usage (AC Pan)
            0x15, 0x81,       //     Logical Minimum (-127)
            0x25, 0x7F,       //     Logical Maximum (127)
            0x75, 0x08,       //     Report Size (8)
            0x95, 0x01,       //     Report Count (1)
            0x81, 0x06);      //     Input (Data, Variable, Relative): horizontal pan
        byte[] end = bytes(
            0xC0,             //   End Collection
            0xC0);            // End Collection
        return concat(common, withPan ? pan : new byte[0], end);
    }

    /**
     * Relative mouse that BIOS/UEFI firmware accepts: the boot protocol's first three bytes (buttons, dx, dy, HID
     * 1.11 Appendix B.2) followed by a wheel byte, which boot-protocol hosts ignore.
     */
    public static byte[] relativeMouse() {
        return concat(mouseWithFiveButtons(), bytes(
            0x05, 0x01,       //     Usage Page (Generic Desktop)
            0x09, 0x30,       //     Usage (X)
            0x09, 0x31,       //     Usage (Y)
            0x09, 0x38,       //     Usage (Wheel)
            0x15, 0x81,       //     Logical Minimum (-127)
            0x25, 0x7F,       //     Logical Maximum (127)
            0x75, 0x08,       //     Report Size (8)
            0x95, 0x03,       //     Report Count (3)
            0x81, 0x06,       //     Input (Data, Variable, Relative): dx, dy, wheel
            0xC0,             //   End Collection
            0xC0));           // End Collection
    }

    /** Both mice open the same way: an application collection, a pointer, five buttons and three bits of padding. */
    private static byte[] mouseWithFiveButtons() {
        return bytes(
            0x05, 0x01,       // Usage Page (Generic Desktop)
            0x09, 0x02,       // Usage (Mouse)
            0xA1, 0x01,       // Collection (Application)
            0x09, 0x01,       //   Usage (Pointer)
            0xA1, 0x00,       //   Collection (Physical)
            0x05, 0x09,       //     Usage Page (Button)
            0x19, 0x01,       //     Usage Minimum (1)
            0x29, 0x05,       //     Usage Maximum (5)
            0x15, 0x00,       //     Logical Minimum (0)
            0x25, 0x01,       //     Logical Maximum (1)
            0x95, 0x05,       //     Report Count (5)
            0x75, 0x01,       //     Report Size (1)
            0x81, 0x02,       //     Input (Data, Variable, Absolute): buttons
            0x95, 0x01,       //     Report Count (1)
            0x75, 0x03,       //     Report Size (3)
            0x81, 0x01);      //     Input (Constant): padding
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
