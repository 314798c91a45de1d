package org.passkvm.appliance;

import java.nio.file.Files;
import java.nio.file.Path;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.gadget.GadgetHid;
import org.passkvm.simulator.DemoHid;
import org.passkvm.web.Health;
import org.passkvm.web.hid.HidRoutes;
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
            case GADGET -> parts.own(GadgetHid.start(GadgetSettings.from(hid.section("gadget"))));
            case CH9329 -> throw hid.bad("output", choice.name().toLowerCase() + " is not built yet");
            default -> parts.own(new DemoHid(parts.simulator()));
        };
        Logger.info("HID output: {}", output.kind());
        HidInput input = new HidInput(output);
        parts.web().sessions().onEnd(s -> input.releaseAll());
        new HidRoutes(input, parts.web().sessions()).register(parts.web().api());
        parts.web().health().add("hid", () -> {
            var s = output.status();
            return new Health.Capability(output.kind(), s.hostState(),
                    java.util.Map.of("keyboardOnline", s.keyboardOnline(), "mouseOnline", s.mouseOnline()));
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
