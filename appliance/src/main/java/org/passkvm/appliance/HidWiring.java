package org.passkvm.appliance;

import java.nio.file.Files;
import java.nio.file.Path;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.gadget.GadgetHid;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.Typist;
import org.passkvm.hid.serial.Ch9329Hid;
import org.passkvm.simulator.DemoHid;
import org.passkvm.web.Health;
import org.passkvm.web.hid.HidRoutes;
import org.passkvm.web.hid.PasteRoutes;
import org.tinylog.Logger;

/** Picks the HID output (USB gadget, CH9329, or the simulated target) and registers the input API. */
final class HidWiring {

    enum Output { AUTO, GADGET, CH9329, DEMO }

    private HidWiring() {}

    static void wire(Parts parts) throws java.io.IOException {
        Config hid = parts.config().section("hid");
        Output choice = hid.choice("output", Output.AUTO);
        if (choice == Output.AUTO) {
            choice = gadgetPossible() ? Output.GADGET : Output.DEMO;
        }
        HidOutput output = switch (choice) {
            case GADGET -> parts.own(GadgetHid.start(
                    MediaWiring.withDrive(parts, GadgetSettings.from(hid.section("gadget")))));
            case CH9329 -> parts.own(new Ch9329Hid(Ch9329Hid.Settings.of(hid.string("serial_port", "/dev/ttyUSB0"),
                    hid.integer("baud", 9600, 1200, 115200))));
            default -> parts.own(new DemoHid(parts.simulator()));
        };
        Logger.info("HID output: {}", output.kind());
        HidInput input = new HidInput(output);
        parts.web().sessions().onEnd(s -> input.releaseAll());
        new HidRoutes(input).register(parts.web().api());
        int pasteFloor = output instanceof Ch9329Hid ch ? ch.minPasteDelayMillis() : 0; // a serial line is slower
        Layout layout = Layout.find(hid.string("keyboard_layout", "us"))
                .orElseThrow(() -> hid.bad("keyboard_layout", "unknown layout; known: " + Layout.all().stream().map(Layout::name).toList()));
        new PasteRoutes(new Typist(input, new Typist.Settings(hid.integer("paste_delay_ms", Math.max(15, pasteFloor), pasteFloor, 1000), pasteFloor,
                hid.integer("paste_max_delay_ms", 1000, 0, 60_000), 64 * 1024)), layout).register(parts.web().api());
        if (output instanceof DemoHid) {
            parts.simulator().setKeyboardLayout(layout.decoder()); // the demo target reads keys in the same layout
        }
        parts.web().health().add("hid", () -> {
            var s = output.status();
            var details = new java.util.LinkedHashMap<String, Object>(
                    java.util.Map.of("keyboardOnline", s.keyboardOnline(), "mouseOnline", s.mouseOnline()));
            if (output instanceof Ch9329Hid ch) {
                details.putAll(ch.details());
            }
            return new Health.Capability(output.kind(), s.hostState(), details);
        });
    }

    /** The kernel's gadget framework is there and a USB device controller can take a gadget. */
    static boolean gadgetPossible() {
        Path udc = Path.of("/sys/class/udc");
        try (var list = Files.list(udc)) {
            return Files.isDirectory(Path.of("/sys/kernel/config/usb_gadget")) && list.findAny().isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
