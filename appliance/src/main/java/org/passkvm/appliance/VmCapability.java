package org.passkvm.appliance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.doctor.Doctor;
import org.passkvm.doctor.DoctorRoutes;
import org.passkvm.vm.AbsentHost;
import org.passkvm.vm.DemoHost;
import org.passkvm.vm.LibvirtHost;
import org.passkvm.vm.PassthroughDevices;
import org.passkvm.vm.UsbId;
import org.passkvm.vm.VmControl;
import org.passkvm.vm.VmRoutes;
import org.passkvm.web.Health;
import org.tinylog.Logger;

/**
 * Connects to the passthrough host's libvirt ({@code vm.uri}; "demo" = the shipped demo host on
 * libvirt's test driver, "off" = no VM control) and registers the VM and GPU API.
 */
final class VmCapability extends Capability {

    static final Setting<String> URI = Setting.text("uri", "demo",
            "demo | off | a libvirt URI, e.g. qemu+ssh://root@host/system?keyfile=/etc/passkvm/id_ed25519&no_tty=1")
            .check(u -> u.trim().equals("demo") || u.trim().equals("off") || u.trim().matches("[a-z0-9+]+://.*") ? null
                    : "must be demo, off or a libvirt URI such as qemu+ssh://root@host/system?keyfile=/etc/passkvm/id_ed25519&no_tty=1");
    static final Setting<Integer> KEEPALIVE = Setting.integer("keepalive_seconds", 5, 1, 300, "");
    static final Setting<Duration> RECONNECT_MAX = Setting.millis("reconnect_max_ms", 30_000, 100, 3_600_000, "");
    static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.millis("shutdown_timeout_ms", 120_000, 1000, 3_600_000,
            "graceful shutdown waits this long before offering force-off");
    static final Setting<Boolean> USB_FOLLOWS_GPU = Setting.flag("usb_follows_gpu", true,
            "pass PassKVM's USB keyboard/mouse to the VM that receives the GPU");
    static final Setting<String> GADGET_USB_ID = Setting.text("gadget_usb_id", "1d6b:0104", "how the host sees PassKVM's gadget")
            .shown("\"1d6b:0104\"")
            .check(id -> {
                try {
                    UsbId.parse(id);
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            });

    static final Setting<List<String>> PASSTHROUGH_DEVICES = Setting.list("passthrough_devices", List.of(),
            "devices offered whole besides GPUs: PCI addresses (0000:02:00.0) or vendor:product ids (144d:a808)")
            .check(list -> {
                try {
                    PassthroughDevices.parse(list);
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            });
    static final Setting<Duration> CACHE_MAX_AGE = Setting.millis("cache_max_age_ms", 60_000, 0, 3_600_000,
            "the host as last read is served this long when libvirt's events say nothing changed; 0 = read it every time");

    static final Section SETTINGS = Section.of("vm", URI, KEEPALIVE, RECONNECT_MAX, SHUTDOWN_TIMEOUT, USB_FOLLOWS_GPU, GADGET_USB_ID,
            PASSTHROUGH_DEVICES, CACHE_MAX_AGE);

    VmCapability() {
        super("vm", SETTINGS);
    }

    /** Video and HID first: a VM's display joins their source switch and input route. */
    @Override
    List<String> needs() {
        return List.of("video", "hid");
    }

    @Override
    String choose(Values vm, Choices chosen) {
        String uri = vm.get(URI).trim();
        return uri.equals("off") || uri.equals("demo") ? uri : "libvirt";
    }

    @Override
    Supplier<Health.Capability> start(String part, Values vm, Parts parts, Choices chosen) throws java.io.IOException {
        VmControl.Settings settings = new VmControl.Settings(UsbId.parse(vm.get(GADGET_USB_ID)), vm.get(USB_FOLLOWS_GPU),
                vm.get(SHUTDOWN_TIMEOUT), PassthroughDevices.parse(vm.get(PASSTHROUGH_DEVICES)), vm.get(CACHE_MAX_AGE));
        if (part.equals("off")) {
            return disabled(parts, settings, "off", "off", "VM control is off (vm.uri: off)");
        }
        boolean demo = part.equals("demo");
        String connectTo = demo ? DemoHost.install(parts.dataDir()) : vm.get(URI).trim();
        Map<String, String> hints = demo ? DemoHost.driverHints() : Map.of();
        LibvirtHost host;
        try {
            host = new LibvirtHost(connectTo, vm.get(KEEPALIVE), vm.get(RECONNECT_MAX));
        } catch (LinkageError e) {
            // libvirt0 is not installed (a laptop without it): the rest of PassKVM still runs.
            Logger.warn("VM control off: libvirt's client library (Debian package libvirt0) is missing");
            return disabled(parts, settings, "libvirt", "unavailable", "libvirt0 is not installed");
        }
        VmControl control = parts.own(new VmControl(host, settings, hints));
        VmDisplayWiring.start(parts, host);
        new VmRoutes(control, parts.web().audit()).register(parts.web().api());
        // The doctor goes where the link goes: the demo's recorded host, or the link's own SSH identity.
        Doctor doctor = parts.own(demo ? Doctor.demo(parts.dataDir()) : Doctor.overLink(connectTo));
        new DoctorRoutes(doctor, parts.web().audit()).register(parts.web().api());
        parts.web().health().add("doctor", doctor::health);
        String scheme = connectTo.substring(0, connectTo.indexOf(':'));
        return () -> {
            var link = host.link();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("driver", scheme);
            details.put("since", link.since().toString());
            if (!link.up()) {
                details.put("detail", link.detail());
            }
            List<String> repairs = control.pendingRepairs();
            if (!repairs.isEmpty()) {
                details.put("pendingRepairs", repairs);
            }
            return new Health.Capability(demo ? "demo" : "libvirt", link.state().name().toLowerCase(), details);
        };
    }

    /** The disabled part: the same routes, each answering 503 with why. */
    private static Supplier<Health.Capability> disabled(Parts parts, VmControl.Settings settings, String implementation,
            String state, String why) {
        new VmRoutes(parts.own(new VmControl(new AbsentHost(why), settings, Map.of())), parts.web().audit()).register(parts.web().api());
        DoctorRoutes.unavailable(why).register(parts.web().api());
        parts.web().health().add("doctor", () -> new Health.Capability(implementation, state, Map.of("detail", why)));
        return () -> new Health.Capability(implementation, state, Map.of("detail", why));
    }
}
