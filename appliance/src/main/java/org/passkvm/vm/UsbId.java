package org.passkvm.vm;

import java.util.regex.Pattern;

/** A USB vendor:product pair, e.g. PassKVM's gadget {@code 1d6b:0104}. */
public record UsbId(int vendor, int product) {

    private static final Pattern TEXT = Pattern.compile("(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})");

    public static UsbId parse(String text) {
        var m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a USB id: '" + text + "' (expected vendor:product, e.g. 1d6b:0104)");
        }
        return new UsbId(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16));
    }

    static int hex(String text) {
        String t = text.trim().toLowerCase();
        return Integer.parseInt(t.startsWith("0x") ? t.substring(2) : t, 16);
    }

    String vendorHex() {
        return String.format("0x%04x", vendor);
    }

    String productHex() {
        return String.format("0x%04x", product);
    }

    @Override
    public String toString() {
        return String.format("%04x:%04x", vendor, product);
    }
}
