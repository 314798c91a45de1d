package org.passkvm.hid.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passkvm.hid.serial.Ch9329Frame.CMD_SEND_KB_GENERAL_DATA;
import static org.passkvm.hid.serial.Ch9329Frame.CMD_SEND_MS_ABS_DATA;
import static org.passkvm.hid.serial.Ch9329Frame.CMD_SEND_MS_REL_DATA;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;
import org.passkvm.testkit.Await;

/** Ch9329Hid against a chip played by the test at the other end of a socat pty pair. */
class Ch9329HidTest {

    private static final String RELEASED_KB = "57 AB 00 02 08 00 00 00 00 00 00 00 00 0C";
    private static final String KEY_A = "57 AB 00 02 08 00 00 04 00 00 00 00 00 10";
    private static final String KEY_B = "57 AB 00 02 08 00 00 05 00 00 00 00 00 11";

    @TempDir
    Path dir;
    private PtyPair pty;
    private FakeChip chip;
    private Ch9329Hid hid;

    @BeforeEach
    void plug() throws Exception {
        PtyPair.requireSocat();
        pty = new PtyPair(dir).plug();
        chip = new FakeChip(pty.chip.toString());
    }

    @AfterEach
    void unplug() throws Exception {
        if (hid != null) {
            hid.close();
        }
        if (chip != null) {
            chip.close();
        }
        if (pty != null) {
            pty.close();
        }
    }

    private Ch9329Hid connect() {
        hid = new Ch9329Hid(new Ch9329Hid.Settings(pty.host.toString(), 9600, Duration.ofMillis(500),
                Duration.ofMillis(100), Duration.ofMillis(100)));
        awaitLink(Ch9329Hid.Link.UP);
        return hid;
    }

    @Test
    void reportsReachTheChipByteForByteInOrder() throws Exception {
        connect();
        hid.keyboard(KeyboardReport.of(0x02, 0x04));
        hid.keyboard(KeyboardReport.EMPTY);
        hid.absoluteMouse(new AbsoluteMouseReport(1, 32767, 0, -1, 0));
        hid.relativeMouse(new RelativeMouseReport(2, -5, 10, 1));
        assertThat(chip.await(CMD_SEND_KB_GENERAL_DATA, 2))
                .containsExactly("57 AB 00 02 08 02 00 04 00 00 00 00 00 12", RELEASED_KB);
        assertThat(chip.await(CMD_SEND_MS_ABS_DATA, 1)).containsExactly("57 AB 00 04 07 02 01 FF 0F 00 00 FF 1D");
        assertThat(chip.await(CMD_SEND_MS_REL_DATA, 1)).containsExactly("57 AB 00 05 05 01 02 FB 0A 01 15");
        assertThat(chip.problems).isEmpty();
        assertThat(hid.status().hostState()).isEqualTo("configured");
        assertThat(hid.status().keyboardOnline()).isTrue();
    }

    @Test
    void fastTypingLosesNoKeystrokeWhileTheChipAnswers() throws Exception {
        connect();
        for (int i = 0; i < 20; i++) {
            hid.keyboard(KeyboardReport.of(0, 0x04 + i));
            hid.keyboard(KeyboardReport.EMPTY);
        }
        List<String> frames = chip.await(CMD_SEND_KB_GENERAL_DATA, 40);
        assertThat(frames).hasSize(40);
        assertThat(frames.get(38)).startsWith("57 AB 00 02 08 00 00 17");
    }

    @Test
    void waitingAbsoluteMovesMergeButRelativeMovesAndClicksAllArrive() throws Exception {
        connect();
        for (int i = 0; i < 30; i++) {
            hid.relativeMouse(new RelativeMouseReport(0, 1, 0, 0));
        }
        for (int i = 1; i <= 30; i++) {
            hid.absoluteMouse(new AbsoluteMouseReport(0, i * 1000, 0, 0, 0));
        }
        hid.absoluteMouse(new AbsoluteMouseReport(1, 30000, 0, 0, 0));
        hid.absoluteMouse(new AbsoluteMouseReport(0, 30000, 0, 0, 0));
        assertThat(chip.await(CMD_SEND_MS_REL_DATA, 30)).hasSize(30); // every dx counts
        List<byte[]> abs = waitForLastAbsolute();
        assertThat(abs.size()).isLessThanOrEqualTo(32);
        assertThat(abs.stream().map(f -> f[6]).toList()).containsSubsequence((byte) 0, (byte) 1, (byte) 0); // the click
        assertThat(Ch9329Frame.hex(abs.get(abs.size() - 1))).isEqualTo(
                Ch9329Frame.hex(Ch9329Frame.absoluteMouse(new AbsoluteMouseReport(0, 30000, 0, 0, 0))));
    }

    private List<byte[]> waitForLastAbsolute() {
        return Await.value(Duration.ofSeconds(5), () -> chip.frames(CMD_SEND_MS_ABS_DATA),
            abs -> abs.size() >= 3 && abs.get(abs.size() - 1)[6] == 0 && abs.stream().anyMatch(f -> f[6] == 1),
            "absolute moves with a click, ending released");
    }

    @Test
    void ledsAndTheHostsUsbStateComeFromGetInfo() throws Exception {
        List<KeyboardLeds> seen = new CopyOnWriteArrayList<>();
        connect().onLeds(seen::add);
        chip.leds = 0x02;
        // The listener runs after the status flag is set, so wait for the listener.
        Await.until(Duration.ofSeconds(5), () -> seen.contains(new KeyboardLeds(false, true, false)), "Caps Lock LED reported");
        assertThat(hid.status().leds().capsLock()).isTrue();
        chip.usbAttached = 0;
        Await.value(Duration.ofSeconds(5), () -> hid.status().hostState(), "not attached"::equals, "host state not attached");
        assertThat(hid.status().keyboardOnline()).isFalse();
        assertThat(hid.details()).containsEntry("chipVersion", "0x30").containsEntry("massStorage", "not available on CH9329");
        assertThat(hid.supportsMassStorage()).isFalse();
    }

    @Test
    void aReplyWithABadChecksumOrAChecksumErrorMakesTheFrameGoAgain() throws Exception {
        connect();
        chip.answerNext(FakeChip.Answer.BAD_CHECKSUM, FakeChip.Answer.ERROR_CHECKSUM);
        hid.keyboard(KeyboardReport.of(0, 0x04));
        assertThat(chip.await(CMD_SEND_KB_GENERAL_DATA, 3)).containsExactly(KEY_A, KEY_A, KEY_A);
        Await.value(Duration.ofSeconds(5), () -> (long) hid.details().get("errors"), n -> n >= 2, "2 errors counted");
        assertThat((String) hid.details().get("lastError")).contains("status 0xE4");
        assertThat(hid.link()).isEqualTo(Ch9329Hid.Link.UP);
    }

    @Test
    void aRelativeMoveWhoseReplyIsGarbledIsNotSentTwice() throws Exception {
        connect();
        chip.answerNext(FakeChip.Answer.BAD_CHECKSUM);
        hid.relativeMouse(new RelativeMouseReport(0, 5, 0, 0));
        hid.keyboard(KeyboardReport.of(0, 0x04));
        chip.await(CMD_SEND_KB_GENERAL_DATA, 1);
        assertThat(chip.framesHex(CMD_SEND_MS_REL_DATA)).hasSize(1);
    }

    @Test
    void aParameterErrorIsNotResent() throws Exception {
        connect();
        chip.answerNext(FakeChip.Answer.ERROR_PARAMETER);
        hid.keyboard(KeyboardReport.of(0, 0x04));
        hid.keyboard(KeyboardReport.of(0, 0x05));
        assertThat(chip.await(CMD_SEND_KB_GENERAL_DATA, 2)).containsExactly(KEY_A, KEY_B);
    }

    @Test
    void aSilentChipIsReportedAndHearsOnlyTheLatestStateWhenItAnswersAgain() throws Exception {
        connect();
        chip.silent = true;
        hid.keyboard(KeyboardReport.of(0, 0x04));
        awaitLink(Ch9329Hid.Link.NOT_ANSWERING);
        assertThat(hid.status().hostState()).isEqualTo("CH9329 not answering");
        assertThat(hid.status().keyboardOnline()).isFalse();
        for (int i = 0; i < 50; i++) {
            hid.keyboard(KeyboardReport.of(0, 0x05));
            hid.keyboard(KeyboardReport.EMPTY);
        }
        hid.keyboard(KeyboardReport.of(0, 0x05));
        chip.clear();
        chip.silent = false;
        awaitLink(Ch9329Hid.Link.UP);
        assertThat(chip.await(CMD_SEND_KB_GENERAL_DATA, 1)).containsExactly(KEY_B);
        Thread.sleep(300); // time is the subject: no second B frame follows
        // (a resend after a reply lost to a busy machine would repeat B, which is harmless: it is a state, not an event)
        assertThat(chip.framesHex(CMD_SEND_KB_GENERAL_DATA)).containsOnly(KEY_B);
    }

    @Test
    void unpluggingAndReplugging() throws Exception {
        connect();
        hid.keyboard(KeyboardReport.of(0, 0x04)); // A held when the cable goes
        chip.await(CMD_SEND_KB_GENERAL_DATA, 1);
        chip.close();
        pty.unplug();
        awaitLink(Ch9329Hid.Link.PORT_MISSING);
        assertThat(hid.status().hostState()).isEqualTo("serial port missing");
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            hid.relativeMouse(new RelativeMouseReport(0, 1, 1, 0)); // callers never wait for the missing port
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

        pty.plug();
        chip = new FakeChip(pty.chip.toString());
        awaitLink(Ch9329Hid.Link.UP);
        // The chip still holds A from before: it must hear "released", then only the latest mouse state (buttons:
        // the moves made while unplugged are not replayed).
        assertThat(chip.await(CMD_SEND_KB_GENERAL_DATA, 1)).containsExactly(RELEASED_KB);
        assertThat(chip.await(CMD_SEND_MS_REL_DATA, 1)).containsExactly("57 AB 00 05 05 01 00 00 00 00 0D");
        hid.keyboard(KeyboardReport.of(0, 0x05));
        assertThat(chip.await(CMD_SEND_KB_GENERAL_DATA, 2)).containsExactly(RELEASED_KB, KEY_B);
        assertThat(chip.problems).isEmpty();
    }

    @Test
    void aPortThatIsNotThereIsReportedAndCallersStillReturnAtOnce() {
        hid = new Ch9329Hid(Ch9329Hid.Settings.of(dir.resolve("nothing-here").toString(), 9600));
        hid.keyboard(KeyboardReport.of(0, 0x04));
        awaitLink(Ch9329Hid.Link.PORT_MISSING);
        assertThat(hid.status().hostState()).isEqualTo("serial port missing");
        assertThat(hid.kind()).isEqualTo("ch9329");
    }

    private void awaitLink(Ch9329Hid.Link link) {
        Await.value(Duration.ofSeconds(5), () -> hid.link(), link::equals, "link " + link);
    }
}
