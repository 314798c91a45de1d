package org.passkvm.hid.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReportWireFormatTest {

    @Test
    void keyboardReportIsTheBootProtocolsEightBytes() {
        assertThat(KeyboardReport.of(0x22, 0x04, 0x05).toBytes()).containsExactly(0x22, 0, 0x04, 0x05, 0, 0, 0, 0);
        assertThat(KeyboardReport.parse(KeyboardReport.of(0x01, 0x64).toBytes())).isEqualTo(KeyboardReport.of(0x01, 0x64));
    }

    @Test
    void aKeyboardReportHoldsAtMostSixKeys() {
        assertThatThrownBy(() -> KeyboardReport.of(0, 1, 2, 3, 4, 5, 6, 7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void absoluteReportIsLittleEndianWithSignedWheel() {
        byte[] wire = new AbsoluteMouseReport(1, 0x1234, 32767, -1, 2).toBytes(true);
        assertThat(wire).containsExactly(0x01, 0x34, 0x12, 0xFF, 0x7F, 0xFF, 0x02);
        assertThat(new AbsoluteMouseReport(0, 1, 2, 0, 5).toBytes(false)).hasSize(6);
        assertThat(AbsoluteMouseReport.parse(wire)).isEqualTo(new AbsoluteMouseReport(1, 0x1234, 32767, -1, 2));
    }

    @Test
    void relativeReportClampsToSignedBytes() {
        assertThat(new RelativeMouseReport(2, 500, -500, 3).toBytes()).containsExactly(0x02, 0x7F, 0x81, 0x03);
    }
}
