package org.passkvm.appliance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.vm.DemoHost;
import org.passkvm.vm.LibvirtHost;
import org.passkvm.vm.UsbId;
import org.passkvm.vm.VmControl;
import org.passkvm.vm.VmRoutes;
import org.passkvm.web.Health;
import org.tinylog.Logger;

/**
 * Connects to the passthrough host's libvirt ({@code vm.uri}; "demo" = the shipped demo host on
 * libvirt's test driver, "off" = no VM control) and registers the VM and GPU API.
 */
final class VmWiring {

    private VmWiring() {}

    static void wire(Parts parts) throws java.io.IOException {
        Config vm = parts.config().section("vm");
        String uri = vm.string("uri", "demo").trim();
        int keepalive = vm.integer("keepalive_seconds", 5, 1, 300);
        Duration maxBackoff = vm.millis("reconnect_max_ms", 30_000, 100, 3_600_000);
        Duration shutdownTimeout = vm.millis("shutdown_timeout_ms", 120_000, 1000, 3_600_000);
        boolean usbFollows = vm.bool("usb_follows_gpu", true);
        String gadgetText = vm.string("gadget_usb_id", "1d6b:0104");
        UsbId gadget;
        try {
            gadget = UsbId.parse(gadgetText);
        } catch (IllegalArgumentException e) {
            throw vm.bad("gadget_usb_id", e.getMessage());
        }
        if (uri.equals("off")) {
            parts.web().health().add("vm", () -> new Health.Capability("off", "off"));
            return;
        }
        boolean demo = uri.equals("demo");
        if (!demo && !uri.matches("[a-z0-9+]+://.*")) {
            throw vm.bad("uri", "must be demo, off or a libvirt URI such as qemu+ssh://root@host/system?keyfile=/etc/passkvm/id_ed25519&no_tty=1");
        }
        String connectTo = demo ? DemoHost.install(parts.dataDir()) : uri;
        Map<String, String> hints = demo ? DemoHost.driverHints() : Map.of();
        LibvirtHost host;
        try {
            host = new LibvirtHost(connectTo, keepalive, maxBackoff);
        } catch (LinkageError e) {
            // libvirt0 is not installed (a laptop without it): the rest of PassKVM still runs.
            Logger.warn("VM control off: libvirt's client library (Debian package libvirt0) is missing");
            parts.web().health().add("vm", () -> new Health.Capability("libvirt", "unavailable",
                    Map.of("detail", "libvirt0 is not installed")));
            return;
        }
        VmControl control = parts.own(new VmControl(host, new VmControl.Settings(gadget, usbFollows, shutdownTimeout), hints));
        new VmRoutes(control).register(parts.web().api());
        String scheme = connectTo.substring(0, connectTo.indexOf(':'));
        parts.web().health().add("vm", () -> {
            var link = host.link();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("driver", scheme);
            details.put("since", link.since().toString());
            if (!link.up()) {
                details.put("detail", link.detail());
            }
            return new Health.Capability(demo ? "demo" : "libvirt", link.state().name().toLowerCase(), details);
        });
        Logger.info("VM control: {}", demo ? "demo host on libvirt's test driver" : uri);
    }
}
