package org.passkvm.hid.gadget;

import java.io.IOException;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;
import org.passkvm.hid.report.ReportDescriptors;

/** A HID function of the gadget (usb_f_hid): what the host sees as one keyboard or mouse interface. */
public record HidFunction(Role role, String directoryName, int subclass, int protocol, int reportLength,
                          byte[] reportDescriptor, boolean outputReports) implements GadgetFunction {

    public enum Role { KEYBOARD, ABSOLUTE_MOUSE, RELATIVE_MOUSE }

    /** Interface subclass 1 = boot interface: BIOS/UEFI talk to it without parsing the descriptor. */
    private static final int BOOT = 1;
    private static final int PROTOCOL_KEYBOARD = 1;
    private static final int PROTOCOL_MOUSE = 2;

    /** Boot keyboard with the LED output report (which needs the interrupt OUT endpoint). */
    public static HidFunction keyboard() {
        return new HidFunction(Role.KEYBOARD, "hid.keyboard", BOOT, PROTOCOL_KEYBOARD, KeyboardReport.SIZE,
            ReportDescriptors.bootKeyboard(), true);
    }

    /** Absolute pointer; not a boot device, since the boot protocol only knows relative mice. */
    public static HidFunction absoluteMouse(boolean withPan) {
        return new HidFunction(Role.ABSOLUTE_MOUSE, "hid.absolute", 0, 0,
            withPan ? AbsoluteMouseReport.SIZE_WITH_PAN : AbsoluteMouseReport.SIZE_WITHOUT_PAN,
            ReportDescriptors.absoluteMouse(withPan), false);
    }

    /** Relative boot mouse, for BIOS/UEFI setups that ignore absolute pointers. */
    public static HidFunction relativeMouse() {
        return new HidFunction(Role.RELATIVE_MOUSE, "hid.relative", BOOT, PROTOCOL_MOUSE, RelativeMouseReport.SIZE,
            ReportDescriptors.relativeMouse(), false);
    }

    /** By content: a record would compare the descriptor arrays by identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HidFunction f && f.role == role && f.directoryName.equals(directoryName)
            && f.subclass == subclass && f.protocol == protocol && f.reportLength == reportLength
            && java.util.Arrays.equals(f.reportDescriptor, reportDescriptor) && f.outputReports == outputReports;
    }

    @Override
    public int hashCode() {
        return directoryName.hashCode() * 31 + java.util.Arrays.hashCode(reportDescriptor);
    }

    @Override
    public String toString() {
        return "HidFunction[" + directoryName + ", " + reportLength + "-byte reports]";
    }

    public boolean withPan() {
        return role == Role.ABSOLUTE_MOUSE && reportLength == AbsoluteMouseReport.SIZE_WITH_PAN;
    }

    @Override
    public void configure(ConfigfsDirectory function) throws IOException {
        function.write("protocol", Integer.toString(protocol));
        function.write("subclass", Integer.toString(subclass));
        function.write("report_length", Integer.toString(reportLength));
        function.write("report_desc", reportDescriptor);
        if (!outputReports) {
            // Mice send nothing back: without the OUT endpoint they fit the Pi's small endpoint budget (kernel >= 5.19).
            function.writeIfPresent("no_out_endpoint", "1");
        }
    }
}
