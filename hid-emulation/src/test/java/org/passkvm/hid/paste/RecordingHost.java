package org.passkvm.hid.paste;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.keymap.KeystrokeDecoder;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

/** A host set to one layout, as a test double: records every keyboard report and the text it reads from them. */
final class RecordingHost implements HidOutput {

    final List<KeyboardReport> reports = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final KeystrokeDecoder decoder;
    private int[] held = new int[0];
    private boolean capsLock;

    RecordingHost(Layout layout) {
        this.decoder = layout.decoder();
    }

    synchronized void setCapsLock(boolean on) {
        capsLock = on;
    }

    synchronized boolean capsLock() {
        return capsLock;
    }

    synchronized String text() {
        return text.toString();
    }

    synchronized KeyboardReport last() {
        return reports.get(reports.size() - 1);
    }

    synchronized List<KeyboardReport> reports() {
        return List.copyOf(reports);
    }

    @Override
    public String kind() {
        return "test";
    }

    @Override
    public synchronized void keyboard(KeyboardReport report) {
        reports.add(report);
        int[] now = report.usages();
        for (int usage : now) {
            if (Arrays.stream(held).noneMatch(u -> u == usage)) {
                if (usage == 0x39) {
                    capsLock = !capsLock;
                } else {
                    int c = decoder.decode(usage, report.modifiers() | (capsLock ? KeystrokeDecoder.CAPS_LOCK : 0));
                    if (c != 0) {
                        text.appendCodePoint(c);
                    }
                }
            }
        }
        held = now;
    }

    @Override
    public void absoluteMouse(AbsoluteMouseReport report) {}

    @Override
    public void relativeMouse(RelativeMouseReport report) {}

    @Override
    public synchronized HidStatus status() {
        return new HidStatus("configured", true, true, new KeyboardLeds(false, capsLock, false));
    }

    @Override
    public void onLeds(Consumer<KeyboardLeds> listener) {}

    @Override
    public void close() {}
}
