package org.passkvm.appliance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.gadget.GadgetConfig;
import org.passkvm.hid.gadget.GadgetHid;
import org.passkvm.hid.jiggle.Jiggler;
import org.passkvm.hid.macro.MacroRunner;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.Typist;
import org.passkvm.hid.serial.Ch9329Hid;
import org.passkvm.simulator.DemoHid;
import org.passkvm.vmdisplay.InputRoute;
import org.passkvm.web.Health;
import org.passkvm.web.hid.HidRoutes;
import org.passkvm.web.hid.InputSocket;
import org.passkvm.web.hid.JigglerRoutes;
import org.passkvm.web.hid.MacroRoutes;
import org.passkvm.web.hid.MacroStore;
import org.passkvm.web.hid.PasteRoutes;

/** Picks the HID output (USB gadget, CH9329, or the simulated target) and registers the input API. */
final class HidCapability extends Capability {

    enum Output { AUTO, GADGET, CH9329, DEMO, OFF }

    static final Setting<Output> OUTPUT = Setting.choice("output", Output.AUTO, "auto: gadget when configfs and a UDC exist");
    static final Setting<String> LAYOUT = Setting.text("keyboard_layout", "us",
            "the target's layout, for paste: us uk de fr es it ch-de se (= fi) no dk jp")
            .check(name -> Layout.find(name).isPresent() ? null
                    : "unknown layout; known: " + Layout.all().stream().map(Layout::name).toList());
    static final Setting<Integer> PASTE_DELAY = Setting.integer("paste_delay_ms", 15, 0, 1000, "between keystrokes when pasting");
    static final Setting<Integer> PASTE_MAX_DELAY = Setting.integer("paste_max_delay_ms", 1000, 0, 60_000, "");
    static final Setting<String> SERIAL_PORT = Setting.text("serial_port", "/dev/ttyUSB0", "CH9329 only");
    static final Setting<Integer> BAUD = Setting.integer("baud", 9600, 1200, 115200, "CH9329 only");

    static final Setting<Boolean> JIGGLER = Setting.flag("jiggler", false,
            "nudge the mouse about a pixel and back when nobody moved it for an interval (keeps screensavers away)");
    static final Setting<Integer> JIGGLER_INTERVAL = Setting.integer("jiggler_interval_s", 60,
            Jiggler.MIN_INTERVAL_SECONDS, Jiggler.MAX_INTERVAL_SECONDS, "seconds of quiet before each nudge");

    static final Section SETTINGS = Section.of("hid", OUTPUT, LAYOUT, PASTE_DELAY, PASTE_MAX_DELAY, SERIAL_PORT, BAUD,
                    JIGGLER, JIGGLER_INTERVAL)
            .with(GadgetSettings.SETTINGS)
            .rule(hid -> {
                // A serial line is slower than USB: pasting faster than the chip takes keys would drop them.
                int floor = pasteFloor(hid);
                if (hid.has(PASTE_DELAY) && hid.get(PASTE_DELAY) < floor) {
                    throw hid.bad(PASTE_DELAY, "must be from " + floor + " to 1000, got " + hid.get(PASTE_DELAY));
                }
            });

    HidCapability() {
        super("hid", SETTINGS);
    }

    @Override
    String choose(Values hid, Choices chosen) {
        Output choice = hid.get(OUTPUT);
        if (choice == Output.AUTO) {
            choice = gadgetPossible() ? Output.GADGET : Output.DEMO;
        }
        return partName(choice);
    }

    /**
     * The composite gadget; when it does not bind with the USB microphone in it (a controller without isochronous
     * endpoints, such as dummy_hcd, or too few endpoints), it starts without it: keyboard and mouse matter more.
     */
    private static GadgetHid startGadget(Values hid, Parts parts, Choices chosen) throws java.io.IOException {
        GadgetConfig plain = MediaCapability.withDrive(chosen, GadgetSettings.from(hid.section("gadget")));
        GadgetConfig withMicrophone = AudioCapability.withMicrophone(parts.settings().section("audio"), plain);
        if (withMicrophone == plain) {
            return GadgetHid.start(plain);
        }
        try {
            return GadgetHid.start(withMicrophone);
        } catch (java.io.IOException e) {
            // configfs answers ENOENT for a function whose module is missing; Java then names only the folder.
            String cause = e instanceof java.nio.file.NoSuchFileException
                    ? "no " + e.getMessage() + ": usb_f_uac2 missing?" : e.getMessage();
            String why = "the USB gadget did not start with the microphone in it (" + cause
                    + "): it runs without it; see docs/audio.md for the endpoint budget";
            org.tinylog.Logger.warn(why);
            parts.provide(AudioCapability.MicrophoneDropped.class, new AudioCapability.MicrophoneDropped(why));
            return GadgetHid.start(plain);
        }
    }

    @Override
    Supplier<Health.Capability> start(String part, Values hid, Parts parts, Choices chosen) throws java.io.IOException {
        if (part.equals("off")) {
            return OffRoutes.register(parts.web().api(), "hid", "keyboard and mouse are off (hid.output: off)", "/api/hid");
        }
        HidOutput output = switch (part) {
            case "gadget" -> parts.own(startGadget(hid, parts, chosen));
            case "ch9329" -> parts.own(new Ch9329Hid(Ch9329Hid.Settings.of(hid.get(SERIAL_PORT), hid.get(BAUD))));
            default -> parts.own(new DemoHid(parts.simulator()));
        };
        // While the console shows a VM's virtual display, its input goes to that VM instead of the HID output.
        InputRoute route = new InputRoute(output);
        parts.provide(InputRoute.class, route);
        HidInput input = new HidInput(route);
        parts.provide(HidInput.class, input);
        parts.web().sessions().onEnd(s -> input.releaseAll());
        new HidRoutes(input).register(parts.web().api());
        parts.own(new InputSocket(input)).register(parts.web().api());
        // In the appliance, not the browser: it keeps the target awake with no console open.
        Jiggler jiggler = parts.own(Jiggler.start(input, hid.get(JIGGLER), hid.get(JIGGLER_INTERVAL)));
        parts.provide(Jiggler.class, jiggler);
        new JigglerRoutes(jiggler).register(parts.web().api());
        int pasteFloor = pasteFloor(hid);
        Layout layout = Layout.find(hid.get(LAYOUT)).orElseThrow();
        parts.provide(Layout.class, layout);
        int pasteDelay = hid.has(PASTE_DELAY) ? hid.get(PASTE_DELAY) : Math.max(hid.get(PASTE_DELAY), pasteFloor);
        Typist typist = parts.own(new Typist(input, new Typist.Settings(pasteDelay, pasteFloor, hid.get(PASTE_MAX_DELAY), 64 * 1024)));
        parts.provide(Typist.class, typist);
        new PasteRoutes(typist, layout).register(parts.web().api());
        MacroRunner macros = parts.own(new MacroRunner(input, typist)); // a macro's text goes through the paste job
        new MacroRoutes(new MacroStore(parts.dataDir()), macros, layout).register(parts.web().api());
        if (part.equals("demo")) {
            parts.simulator().setKeyboardLayout(layout.decoder()); // the demo target reads keys in the same layout
        }
        return () -> {
            var s = output.status();
            var details = new java.util.LinkedHashMap<String, Object>(
                    java.util.Map.of("keyboardOnline", s.keyboardOnline(), "mouseOnline", s.mouseOnline()));
            details.putAll(output.details());
            return new Health.Capability(output.kind(), s.hostState(), details);
        };
    }

    private static int pasteFloor(Values hid) {
        return hid.get(OUTPUT) == Output.CH9329 ? Ch9329Hid.minPasteDelayMillis(hid.get(BAUD)) : 0;
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
