package org.passkvm.hid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

public class HidInputTest {

    /** Keeps every report; other packages' tests use it too. */
    public static final class Recorder implements HidOutput {
        public final List<KeyboardReport> keyboard = new ArrayList<>();
        public final List<AbsoluteMouseReport> absolute = new ArrayList<>();
        public final List<RelativeMouseReport> relative = new ArrayList<>();

        @Override public String kind() { return "recorder"; }
        @Override public void keyboard(KeyboardReport r) { keyboard.add(r); }
        @Override public void absoluteMouse(AbsoluteMouseReport r) { absolute.add(r); }
        @Override public void relativeMouse(RelativeMouseReport r) { relative.add(r); }
        @Override public HidStatus status() { return new HidStatus("configured", true, true, KeyboardLeds.OFF); }
        @Override public void onLeds(Consumer<KeyboardLeds> listener) {}
        @Override public void close() {}

        KeyboardReport lastKeyboard() { return keyboard.get(keyboard.size() - 1); }
    }

    private final Recorder out = new Recorder();
    private final HidInput input = new HidInput(out);

    @Test
    void modifiersTravelAsBitsAndKeysAsUsages() {
        input.keyDown(0xE1); // ShiftLeft
        input.keyDown(0x04); // A
        assertThat(out.lastKeyboard().toBytes()).containsExactly(0x02, 0, 0x04, 0, 0, 0, 0, 0);
        input.keyUp(0x04);
        input.keyUp(0xE1);
        assertThat(out.lastKeyboard().isEmpty()).isTrue();
    }

    @Test
    void browserAutoRepeatDoesNotSendDuplicateReports() {
        input.keyDown(0x04);
        input.keyDown(0x04);
        input.keyDown(0x04);
        assertThat(out.keyboard).hasSize(1);
    }

    @Test
    void aSeventhKeyReportsRollOverInsteadOfDroppingOne() {
        for (int usage = 0x04; usage < 0x04 + 7; usage++) {
            input.keyDown(usage);
        }
        assertThat(out.lastKeyboard().usages()).containsOnly(0x01);
        input.keyUp(0x04);
        assertThat(out.lastKeyboard().usages()).containsExactly(0x05, 0x06, 0x07, 0x08, 0x09, 0x0A);
    }

    @Test
    void releaseAllLetsGoOfKeysAndButtons() {
        input.keyDown(0xE0);
        input.keyDown(0x2C);
        input.button(0, true);
        input.releaseAll();
        assertThat(out.lastKeyboard().isEmpty()).isTrue();
        assertThat(out.absolute.get(out.absolute.size() - 1).buttons()).isZero();
        assertThat(input.anyKeyDown()).isFalse();
    }

    @Test
    void tapPressesAChordAndReleasesItInReverse() {
        input.tap(0xE0, 0xE2, 0x4C); // Ctrl+Alt+Del
        assertThat(out.keyboard.get(2).toBytes()).containsExactly(0x05, 0, 0x4C, 0, 0, 0, 0, 0);
        assertThat(out.lastKeyboard().isEmpty()).isTrue();
    }

    @Test
    void largeRelativeMovesAreSplitIntoByteSizedReports() {
        input.setMouseMode(HidInput.MouseMode.RELATIVE);
        input.moveBy(300, -10);
        assertThat(out.relative).extracting(RelativeMouseReport::dx).containsExactly(127, 127, 46);
        assertThat(out.relative.stream().mapToInt(RelativeMouseReport::dy).sum()).isEqualTo(-10);
    }

    @Test
    void absoluteMovesAreClampedToTheLogicalRange() {
        input.moveTo(40000, -5);
        AbsoluteMouseReport r = out.absolute.get(0);
        assertThat(r.x()).isEqualTo(32767);
        assertThat(r.y()).isZero();
    }
}
