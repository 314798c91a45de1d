package org.passkvm.vnc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

/** A HID output that keeps the reports it is given, for tests of what reaches the target. */
public final class RecordingHid implements HidOutput {

    public final List<KeyboardReport> keyboard = new CopyOnWriteArrayList<>();
    public final List<AbsoluteMouseReport> absolute = new CopyOnWriteArrayList<>();
    public final List<RelativeMouseReport> relative = new CopyOnWriteArrayList<>();

    /** Nothing at all was sent. */
    public boolean untouched() {
        return keyboard.isEmpty() && absolute.isEmpty() && relative.isEmpty();
    }

    @Override
    public String kind() {
        return "recording";
    }

    @Override
    public void keyboard(KeyboardReport report) {
        keyboard.add(report);
    }

    @Override
    public void absoluteMouse(AbsoluteMouseReport report) {
        absolute.add(report);
    }

    @Override
    public void relativeMouse(RelativeMouseReport report) {
        relative.add(report);
    }

    @Override
    public HidStatus status() {
        return new HidStatus("configured", true, true, KeyboardLeds.OFF);
    }

    @Override
    public void onLeds(Consumer<KeyboardLeds> listener) {}

    @Override
    public void close() {}
}
