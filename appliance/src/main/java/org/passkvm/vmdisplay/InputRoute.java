package org.passkvm.vmdisplay;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;
import org.passkvm.vnc.KeyNumbers;

/**
 * The console's keyboard and mouse go where its picture comes from: to the HID output (the USB gadget, seen by the
 * VM holding the GPU) while HDMI is shown, and to the shown VM as RFB events while a VM's display is. Everything that
 * types (the console, paste, the REST API, the VNC server) goes through {@code HidInput} and so through here. Keys are
 * sent as QEMU extended key events (scancodes: the guest's layout decides, as with a real keyboard); reports are
 * turned into presses and releases by comparing each with the one before.
 */
public final class InputRoute implements HidOutput {

    private static final int MODIFIER_BASE = 0xE0;

    private final HidOutput hid;
    private volatile Supplier<VmDisplaySource> vm = () -> null;
    private VmDisplaySource lastVm;
    private int modifiers;
    private int[] keys = new int[0];
    private int buttons;
    private int x = AbsoluteMouseReport.MAX / 2;
    private int y = AbsoluteMouseReport.MAX / 2;

    public InputRoute(HidOutput hid) {
        this.hid = hid;
    }

    /** Where input goes when a VM is shown; set once the VM display is wired. */
    void follow(Supplier<VmDisplaySource> shownVm) {
        this.vm = shownVm;
    }

    @Override
    public String kind() {
        return hid.kind();
    }

    @Override
    public synchronized void keyboard(KeyboardReport report) {
        VmDisplaySource target = target();
        if (target == null) {
            hid.keyboard(report);
            return;
        }
        int[] now = report.usages();
        for (int k : keys) {
            if (!contains(now, k)) {
                key(target, k, false);
            }
        }
        for (int bit = 0; bit < 8; bit++) {
            boolean was = (modifiers & 1 << bit) != 0;
            boolean is = (report.modifiers() & 1 << bit) != 0;
            if (was != is) {
                key(target, MODIFIER_BASE + bit, is);
            }
        }
        for (int k : now) {
            if (!contains(keys, k)) {
                key(target, k, true);
            }
        }
        modifiers = report.modifiers();
        keys = now;
    }

    @Override
    public synchronized void absoluteMouse(AbsoluteMouseReport report) {
        VmDisplaySource target = target();
        if (target == null) {
            hid.absoluteMouse(report);
            return;
        }
        x = report.x();
        y = report.y();
        pointer(target, report.buttons(), report.wheel());
    }

    @Override
    public synchronized void relativeMouse(RelativeMouseReport report) {
        VmDisplaySource target = target();
        if (target == null) {
            hid.relativeMouse(report);
            return;
        }
        // QEMU's VNC console takes absolute positions and moves the guest's mouse to them, whatever kind it has.
        int[] size = target.size();
        int w = size == null ? 1024 : size[0];
        int h = size == null ? 768 : size[1];
        x = clamp(x + report.dx() * AbsoluteMouseReport.MAX / Math.max(1, w));
        y = clamp(y + report.dy() * AbsoluteMouseReport.MAX / Math.max(1, h));
        pointer(target, report.buttons(), report.wheel());
    }

    /** HID buttons (1 left, 2 right, 4 middle) as RFB's mask (1 left, 2 middle, 4 right); a wheel turn as a click. */
    private void pointer(VmDisplaySource target, int hidButtons, int wheel) {
        int mask = (hidButtons & 1) | (hidButtons & 2) << 1 | (hidButtons & 4) >> 1;
        buttons = mask;
        if (wheel != 0) {
            int notch = wheel > 0 ? 8 : 16;
            for (int i = 0; i < Math.min(Math.abs(wheel), 10); i++) {
                target.pointer(mask | notch, x, y);
                target.pointer(mask, x, y);
            }
        } else {
            target.pointer(mask, x, y);
        }
    }

    /** The VM input goes to now; a VM left behind gets every held key and button released first. */
    private VmDisplaySource target() {
        VmDisplaySource now = vm.get();
        if (lastVm != null && lastVm != now) {
            for (int k : keys) {
                key(lastVm, k, false);
            }
            for (int bit = 0; bit < 8; bit++) {
                if ((modifiers & 1 << bit) != 0) {
                    key(lastVm, MODIFIER_BASE + bit, false);
                }
            }
            if (buttons != 0) {
                lastVm.pointer(0, x, y);
            }
            keys = new int[0];
            modifiers = 0;
            buttons = 0;
        }
        lastVm = now;
        return now;
    }

    private static void key(VmDisplaySource target, int usage, boolean down) {
        int qnum = KeyNumbers.qnum(usage);
        int keysym = KeyNumbers.keysym(usage);
        if (qnum != 0 || keysym != 0) {
            target.key(down, keysym, qnum);
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int i : a) {
            if (i == v) {
                return true;
            }
        }
        return false;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(AbsoluteMouseReport.MAX, v));
    }

    @Override
    public HidStatus status() {
        return hid.status();
    }

    @Override
    public Map<String, Object> details() {
        return hid.details();
    }

    @Override
    public void onLeds(Consumer<KeyboardLeds> listener) {
        hid.onLeds(listener);
    }

    @Override
    public void close() {
        hid.close();
    }
}
