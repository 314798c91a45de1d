package org.passkvm.hid.report;

import java.util.Arrays;

/**
 * A boot-protocol keyboard input report: modifier bits, a reserved byte, up to six key usages.
 * Immutable; {@link #writeTo} copies the 8 wire bytes into a caller's buffer so writers need
 * not allocate per report.
 */
public final class KeyboardReport {

    public static final int SIZE = 8;
    public static final KeyboardReport EMPTY = new KeyboardReport(0, new int[0]);

    private final int modifiers;
    private final int[] usages;

    private KeyboardReport(int modifiers, int[] usages) {
        this.modifiers = modifiers & 0xff;
        this.usages = usages;
    }

    /** Modifier bits: 0 LCtrl, 1 LShift, 2 LAlt, 3 LGui, 4 RCtrl, 5 RShift, 6 RAlt, 7 RGui. */
    public static KeyboardReport of(int modifiers, int... usages) {
        if (usages.length > 6) {
            throw new IllegalArgumentException("a boot keyboard report holds at most 6 keys, got " + usages.length);
        }
        return new KeyboardReport(modifiers, usages.clone());
    }

    /** Parses the 8 wire bytes, as a host would. */
    public static KeyboardReport parse(byte[] wire) {
        int n = 0;
        int[] keys = new int[6];
        for (int i = 2; i < SIZE; i++) {
            int usage = wire[i] & 0xff;
            if (usage != 0) {
                keys[n++] = usage;
            }
        }
        return new KeyboardReport(wire[0], Arrays.copyOf(keys, n));
    }

    public int modifiers() {
        return modifiers;
    }

    public int[] usages() {
        return usages.clone();
    }

    public boolean isEmpty() {
        return modifiers == 0 && usages.length == 0;
    }

    public void writeTo(byte[] dst, int offset) {
        dst[offset] = (byte) modifiers;
        dst[offset + 1] = 0;
        for (int i = 0; i < 6; i++) {
            dst[offset + 2 + i] = i < usages.length ? (byte) usages[i] : 0;
        }
    }

    public byte[] toBytes() {
        byte[] wire = new byte[SIZE];
        writeTo(wire, 0);
        return wire;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyboardReport r && r.modifiers == modifiers && Arrays.equals(r.usages, usages);
    }

    @Override
    public int hashCode() {
        return 31 * modifiers + Arrays.hashCode(usages);
    }

    @Override
    public String toString() {
        return "KeyboardReport[mods=0x" + Integer.toHexString(modifiers) + ", keys=" + Arrays.toString(usages) + "]";
    }
}
