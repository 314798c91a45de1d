package org.passkvm.hid.serial;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

/** The frames against sums worked out by hand from the protocol document. */
class Ch9329FrameTest {

    @Test
    void keyboardFrameCarriesTheEightReportBytes() {
        // 57+AB+00+02+08+02+00+04 = 0x112 -> 0x12
        assertThat(Ch9329Frame.hex(Ch9329Frame.keyboard(KeyboardReport.of(0x02, 0x04))))
                .isEqualTo("57 AB 00 02 08 02 00 04 00 00 00 00 00 12");
    }

    @Test
    void absoluteFrameScalesTo4095AndKeepsTheWheel() {
        // 57+AB+00+04+07+02+01+FF+0F+00+00+FF = 0x31D -> 0x1D
        assertThat(Ch9329Frame.hex(Ch9329Frame.absoluteMouse(new AbsoluteMouseReport(1, 32767, 0, -1, 5))))
                .isEqualTo("57 AB 00 04 07 02 01 FF 0F 00 00 FF 1D");
        assertThat(Ch9329Frame.scale(0)).isZero();
        assertThat(Ch9329Frame.scale(16384)).isEqualTo(2048);
        assertThat(Ch9329Frame.scale(32767)).isEqualTo(4095);
    }

    @Test
    void relativeFrameCarriesSignedDeltas() {
        // 57+AB+00+05+05+01+02+FB+0A+01 = 0x215 -> 0x15
        assertThat(Ch9329Frame.hex(Ch9329Frame.relativeMouse(new RelativeMouseReport(2, -5, 10, 1))))
                .isEqualTo("57 AB 00 05 05 01 02 FB 0A 01 15");
    }

    @Test
    void getInfoHasNoData() {
        assertThat(Ch9329Frame.hex(Ch9329Frame.getInfo())).isEqualTo("57 AB 00 01 00 03");
    }

    @Test
    void repliesAreOkOnlyWithTheSuccessBitAndStatusZero() {
        assertThat(new Ch9329Frame.Reply(0x82, new byte[] {0}, true).ok()).isTrue();
        assertThat(new Ch9329Frame.Reply(0x82, new byte[] {0}, false).ok()).isFalse();
        assertThat(new Ch9329Frame.Reply(0xC2, new byte[] {(byte) 0xE4}, true).ok()).isFalse();
        assertThat(new Ch9329Frame.Reply(0xC2, new byte[] {(byte) 0xE4}, true).status()).isEqualTo(0xE4);
        assertThat(new Ch9329Frame.Reply(0xC2, new byte[] {(byte) 0xE4}, true).answers(0x02)).isTrue();
        assertThat(new Ch9329Frame.Reply(0x81, new byte[8], true).ok()).isTrue();
    }

    @Test
    void pasteDelayFollowsTheBaudRate() {
        assertThat(Ch9329Hid.minPasteDelayMillis(9600)).isBetween(55, 65);
        assertThat(Ch9329Hid.minPasteDelayMillis(115200)).isBetween(4, 6);
    }
}
