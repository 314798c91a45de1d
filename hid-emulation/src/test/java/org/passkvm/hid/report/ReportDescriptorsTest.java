package org.passkvm.hid.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ReportDescriptorsTest {

    @Test
    void bootKeyboardIsTheSpecDescriptorByteForByte() {
        // HID 1.11 Appendix E.6, as also written by image-build/testvm/selftest-keyboard.py.
        assertThat(HexFormat.of().formatHex(ReportDescriptors.bootKeyboard())).isEqualTo(
            "05010906a101050719e029e7150025017501950881029501750881019505750105081901290591029501"
                + "7503910195067508150025650507190029658100c0");
    }

    @Test
    void reportSizesMatchTheWireForms() {
        assertThat(ReportSizes.of(ReportDescriptors.bootKeyboard()).inputBits()).isEqualTo(KeyboardReport.SIZE * 8);
        assertThat(ReportSizes.of(ReportDescriptors.bootKeyboard()).outputBits()).isEqualTo(8);
        assertThat(ReportSizes.of(ReportDescriptors.absoluteMouse(true)).inputBits())
            .isEqualTo(AbsoluteMouseReport.SIZE_WITH_PAN * 8);
        assertThat(ReportSizes.of(ReportDescriptors.absoluteMouse(false)).inputBits())
            .isEqualTo(AbsoluteMouseReport.SIZE_WITHOUT_PAN * 8);
        assertThat(ReportSizes.of(ReportDescriptors.relativeMouse()).inputBits())
            .isEqualTo(RelativeMouseReport.SIZE * 8);
    }

    @Test
    void collectionsAreBalanced() {
        for (byte[] descriptor : new byte[][] {ReportDescriptors.bootKeyboard(), ReportDescriptors.absoluteMouse(true),
            ReportDescriptors.absoluteMouse(false), ReportDescriptors.relativeMouse()}) {
            assertThat(ReportSizes.of(descriptor).openCollections()).isZero();
        }
    }

    @Test
    void wireFormsAreLittleEndianAndSigned() {
        assertThat(new AbsoluteMouseReport(1, 0x1234, 32767, -1, 5).toBytes(true))
            .containsExactly(1, 0x34, 0x12, 0xFF, 0x7F, 0xFF, 5);
        assertThat(new AbsoluteMouseReport(0, 0, 0, 3, 5).toBytes(false)).containsExactly(0, 0, 0, 0, 0, 3);
        assertThat(new RelativeMouseReport(2, -300, 300, -1).toBytes()).containsExactly(2, 0x81, 0x7F, 0xFF);
        assertThat(KeyboardReport.of(0x02, 0x04, 0x64).toBytes()).containsExactly(2, 0, 4, 0x64, 0, 0, 0, 0);
    }

    /** Just enough of a HID descriptor parser to add up the report sizes (HID 1.11 section 6.2.2). */
    record ReportSizes(int inputBits, int outputBits, int openCollections) {
        static ReportSizes of(byte[] d) {
            int size = 0;
            int count = 0;
            int input = 0;
            int output = 0;
            int depth = 0;
            for (int i = 0; i < d.length; ) {
                int prefix = d[i] & 0xFF;
                int length = (prefix & 3) == 3 ? 4 : prefix & 3;
                int value = 0;
                for (int b = 0; b < length; b++) {
                    value |= (d[i + 1 + b] & 0xFF) << (8 * b);
                }
                switch (prefix & 0xFC) {
                    case 0x74 -> size = value;           // Report Size
                    case 0x94 -> count = value;          // Report Count
                    case 0x80 -> input += size * count;  // Input
                    case 0x90 -> output += size * count; // Output
                    case 0xA0 -> depth++;                // Collection
                    case 0xC0 -> depth--;                // End Collection
                    default -> { }
                }
                i += 1 + length;
            }
            return new ReportSizes(input, output, depth);
        }
    }
}
