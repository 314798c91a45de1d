package org.passkvm.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.passkvm.vm.HostDevices.PciFunction;

/**
 * The PCI devices PassKVM offers to move between VMs: every display controller, plus those the user lists
 * ({@code vm.passthrough_devices}) by address or by vendor:product id, since people pass NVMe drives, NICs and USB
 * controllers through as well.
 */
public record PassthroughDevices(List<PciAddress> addresses, List<String> ids) {

    private static final Pattern ID = Pattern.compile("[0-9a-fA-F]{4}:[0-9a-fA-F]{4}");

    public static final PassthroughDevices DISPLAYS_ONLY = new PassthroughDevices(List.of(), List.of());

    /** Reads {@code 0000:02:00.0} (an address) or {@code 1b36:0010} (vendor:product, every such device). */
    public static PassthroughDevices parse(List<String> entries) {
        List<PciAddress> addresses = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String e : entries) {
            String t = e.trim();
            if (ID.matcher(t).matches()) {
                ids.add(t.toLowerCase(Locale.ROOT));
            } else {
                try {
                    addresses.add(PciAddress.parse(t));
                } catch (IllegalArgumentException notAddress) {
                    throw new IllegalArgumentException("'" + t + "' is neither a PCI address (0000:02:00.0) nor a "
                            + "vendor:product id (1b36:0010)");
                }
            }
        }
        return new PassthroughDevices(List.copyOf(addresses), List.copyOf(ids));
    }

    /** Listed by the user (not just a display controller). */
    boolean listed(PciFunction f) {
        return addresses.contains(f.address()) || (f.vendorId() != null && f.productId() != null
                && ids.contains(id(f.vendorId()) + ":" + id(f.productId())));
    }

    /** Offered as a whole device: a display controller or a listed one, but never an SR-IOV virtual function. */
    boolean offered(PciFunction f) {
        return f.physFunction() == null && (f.display() || listed(f));
    }

    private static String id(String hex) {
        String h = hex.toLowerCase(Locale.ROOT);
        return h.startsWith("0x") ? h.substring(2) : h;
    }
}
