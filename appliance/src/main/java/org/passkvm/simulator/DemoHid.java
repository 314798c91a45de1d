package org.passkvm.simulator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

/**
 * The HID output of the embedded default: each report is encoded to the very bytes the USB
 * gadget would write to /dev/hidgN and handed to the simulated target, which decodes them.
 */
public final class DemoHid implements HidOutput {

    private final SimulatedTarget target;
    private final List<Consumer<KeyboardLeds>> listeners = new CopyOnWriteArrayList<>();
    private final byte[] keyboard = new byte[KeyboardReport.SIZE];
    private final byte[] absolute = new byte[AbsoluteMouseReport.SIZE_WITH_PAN];
    private final byte[] relative = new byte[RelativeMouseReport.SIZE];

    public DemoHid(SimulatedTarget target) {
        this.target = target;
        target.onLeds(leds -> listeners.forEach(l -> l.accept(leds)));
    }

    @Override
    public String kind() {
        return "demo";
    }

    @Override
    public synchronized void keyboard(KeyboardReport report) {
        report.writeTo(keyboard, 0);
        target.receiveKeyboard(keyboard);
    }

    @Override
    public synchronized void absoluteMouse(AbsoluteMouseReport report) {
        report.writeTo(absolute, 0, true);
        target.receiveAbsolute(absolute);
    }

    @Override
    public synchronized void relativeMouse(RelativeMouseReport report) {
        report.writeTo(relative, 0);
        target.receiveRelative(relative);
    }

    @Override
    public HidStatus status() {
        boolean on = target.power() == SimulatedTarget.Power.ON;
        return new HidStatus(on ? "configured" : "not attached", on, on, target.state().leds());
    }

    @Override
    public void onLeds(Consumer<KeyboardLeds> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        // The simulated target outlives its keyboard; nothing to release.
    }
}
