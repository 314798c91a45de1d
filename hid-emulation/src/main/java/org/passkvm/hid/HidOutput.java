package org.passkvm.hid;

import java.util.Map;
import java.util.function.Consumer;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;

/**
 * Where HID reports go: the USB OTG gadget, a CH9329 serial chip, or the simulated target.
 * Implementations never block the caller; a report that cannot be delivered now replaces
 * the previous pending one, so only the latest state reaches a host that comes back.
 */
public interface HidOutput extends AutoCloseable {

    /** Short name shown in /api/health: "gadget", "ch9329", "demo". */
    String kind();

    void keyboard(KeyboardReport report);

    void absoluteMouse(AbsoluteMouseReport report);

    void relativeMouse(RelativeMouseReport report);

    HidStatus status();

    /** What /api/health shows beyond the status (a serial chip's link and firmware); none by default. */
    default Map<String, Object> details() {
        return Map.of();
    }

    /** Called whenever the host changes the keyboard LEDs. */
    void onLeds(Consumer<KeyboardLeds> listener);

    @Override
    void close();
}
