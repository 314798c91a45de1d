package org.passkvm.vm;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/** A host PCI function, written the way lspci does: {@code 0000:01:00.0}. */
public record PciAddress(int domain, int bus, int slot, int function) {

    private static final Pattern TEXT = Pattern.compile(
            "(?:pci_)?([0-9a-fA-F]{4})[:_]([0-9a-fA-F]{2})[:_]([0-9a-fA-F]{2})[._]([0-7])");

    /** Reads {@code 0000:01:00.0} or libvirt's node-device name {@code pci_0000_01_00_0}. */
    public static PciAddress parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PCI address: '" + text + "' (expected e.g. 0000:01:00.0)");
        }
        return new PciAddress(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16),
                Integer.parseInt(m.group(3), 16), Integer.parseInt(m.group(4)));
    }

    /** Reads libvirt's {@code <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>}. */
    static PciAddress of(Element address) {
        return new PciAddress(number(address, "domain"), number(address, "bus"), number(address, "slot"),
                number(address, "function"));
    }

    private static int number(Element e, String attr) {
        String v = e.getAttribute(attr).trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return 0;
        }
        return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
    }

    /** libvirt's node-device name for this function. */
    public String deviceName() {
        return String.format("pci_%04x_%02x_%02x_%x", domain, bus, slot, function);
    }

    void writeTo(Element address) {
        address.setAttribute("domain", String.format("0x%04x", domain));
        address.setAttribute("bus", String.format("0x%02x", bus));
        address.setAttribute("slot", String.format("0x%02x", slot));
        address.setAttribute("function", String.format("0x%x", function));
    }

    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, slot, function);
    }
}
