package org.passkvm.hid.gadget;

import static org.passkvm.hid.gadget.HostInputDevice.EV_ABS;
import static org.passkvm.hid.gadget.HostInputDevice.EV_KEY;
import static org.passkvm.hid.gadget.HostInputDevice.EV_LED;
import static org.passkvm.hid.gadget.HostInputDevice.EV_REL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.Typist;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.KernelChecks;

/**
 * Runs inside the test VM (as root, real configfs and dummy_hcd): drives GadgetHid and checks what the host side of
 * dummy_hcd receives as input events. One JVM and one VM boot for all checks, because each costs seconds under
 * emulation. Reports through {@link KernelChecks}, which GadgetKernelTest turns into one test per check.
 */
public final class GadgetKernelCheck {

    private static final Duration ENUMERATION = Duration.ofSeconds(30);
    private static final Duration EVENTS = Duration.ofSeconds(5);
    private static final int KEY_A = 30;
    private static final int KEY_Y = 21;
    private static final int KEY_Z = 44;
    private static final int KEY_Q = 16;
    private static final int KEY_APOSTROPHE = 40;
    private static final int KEY_RIGHTALT = 100;
    private static final int KEY_LEFTSHIFT = 42;
    private static final int KEY_102ND = 86; // what Linux calls the ISO key left of Z (HID IntlBackslash, 0x64)
    private static final int KEY_LEFTCTRL = 29;
    private static final int KEY_LEFTALT = 56;
    private static final int KEY_DELETE = 111;
    private static final int BTN_LEFT = 0x110;
    private static final int BTN_RIGHT = 0x111;
    private static final int REL_X = 0;
    private static final int REL_Y = 1;
    private static final int REL_HWHEEL = 6;
    private static final int REL_WHEEL = 8;
    private static final int LED_NUML = 0;
    private static final int LED_CAPSL = 1;

    private final GadgetConfig config = GadgetConfig.standard()
        .withIdentity(new GadgetIdentity(0x1D6B, 0x0104, 0x0100, "PassKVM", "PassKVM Kernel Test", "KTEST0001"));
    private final KernelChecks checks = new KernelChecks();

    public static void main(String[] args) throws Exception {
        GadgetKernelCheck scenario = new GadgetKernelCheck();
        scenario.runAll();
        scenario.checks.exit();
    }

    private void check(String name, KernelChecks.Check body) {
        checks.check(name, body);
    }

    private void runAll() throws Exception {
        // A crashed earlier run: our gadget is still there and bound. Starting again must clean it up.
        UsbGadget.create(KernelPaths.SYSTEM, config).bind();
        GadgetHid[] holder = new GadgetHid[1];
        check("restart-after-crash-and-enumerate", () -> {
            holder[0] = GadgetHid.start(config);
            Await.until(ENUMERATION, () -> holder[0].hostState() == UsbHostState.CONFIGURED, "host configured");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                names.add(HostInputDevice.await(i, ENUMERATION).name());
            }
            Path usb = hostUsbDevice("KTEST0001");
            require(read(usb, "idVendor").equals("1d6b") && read(usb, "idProduct").equals("0104"), "VID/PID");
            require(read(usb, "product").equals("PassKVM Kernel Test"), "product string");
            return "host sees " + names + " at " + usb.getFileName();
        });
        GadgetHid hid = holder[0];
        if (hid == null) {
            return;
        }
        HidInput input = new HidInput(hid);

        check("keys-with-modifiers-and-intl", () -> {
            try (HostInputDevice keyboard = HostInputDevice.open(0, ENUMERATION)) {
                input.keyDown(0xE1);
                input.tap(0x04);
                input.keyUp(0xE1);
                input.tap(0x64);
                input.tap(0xE0, 0xE2, 0x4C); // Ctrl+Alt+Delete
                List<String> expected = List.of(
                    KEY_LEFTSHIFT + "=1", KEY_A + "=1", KEY_A + "=0", KEY_LEFTSHIFT + "=0",
                    KEY_102ND + "=1", KEY_102ND + "=0",
                    KEY_LEFTCTRL + "=1", KEY_LEFTALT + "=1", KEY_DELETE + "=1",
                    KEY_DELETE + "=0", KEY_LEFTALT + "=0", KEY_LEFTCTRL + "=0");
                List<String> seen = keys(keyboard.next(expected.size(), e -> e.type() == EV_KEY, EVENTS));
                require(seen.equals(expected), "expected " + expected + ", saw " + seen);
                return "EV_KEY " + seen;
            }
        });

        check("paste-in-german-layout", () -> {
            try (HostInputDevice keyboard = HostInputDevice.open(0, ENUMERATION);
                    Typist typist = new Typist(input, Typist.Settings.DEFAULT)) {
                // On a German keyboard z and y swap places, @ is AltGr+Q and ä sits where US has the quote.
                typist.start("zY@\u00e4", Layout.byName("de"), 5, false);
                require(typist.awaitIdle(10_000), "paste did not finish");
                List<String> presses = keys(keyboard.next(12, e -> e.type() == EV_KEY, EVENTS)).stream()
                    .filter(k -> k.endsWith("=1")).toList();
                List<String> expected = List.of(KEY_Y + "=1", KEY_LEFTSHIFT + "=1", KEY_Z + "=1",
                    KEY_RIGHTALT + "=1", KEY_Q + "=1", KEY_APOSTROPHE + "=1");
                require(presses.equals(expected), "expected presses " + expected + ", saw " + presses);
                return "EV_KEY presses " + presses;
            }
        });

        check("absolute-moves-buttons-wheel-pan", () -> {
            try (HostInputDevice mouse = HostInputDevice.open(1, ENUMERATION)) {
                input.moveTo(1234, 32767);
                input.moveTo(32767, 0);
                input.button(0, true);
                input.button(0, false);
                input.scroll(1, -1);
                List<HostInputDevice.Event> seen = mouse.next(8, e -> e.type() == EV_ABS || e.type() == EV_KEY
                    || (e.type() == EV_REL && (e.code() == REL_WHEEL || e.code() == REL_HWHEEL)), EVENTS);
                List<String> expected = List.of("3:0=1234", "3:1=32767", "3:0=32767", "3:1=0",
                    "1:" + BTN_LEFT + "=1", "1:" + BTN_LEFT + "=0", "2:" + REL_WHEEL + "=1", "2:" + REL_HWHEEL + "=-1");
                List<String> got = seen.stream().map(HostInputDevice.Event::toString).sorted().toList();
                List<String> want = expected.stream().sorted().toList();
                require(got.equals(want), "expected " + expected + ", saw " + seen);
                return "events " + seen;
            }
        });

        check("relative-moves-wheel-buttons", () -> {
            try (HostInputDevice mouse = HostInputDevice.open(2, ENUMERATION)) {
                input.setMouseMode(HidInput.MouseMode.RELATIVE);
                input.moveBy(10, -5);
                input.moveBy(300, 0); // split into 127 + 127 + 46
                input.scroll(-2, 0);
                input.button(1, true);
                input.button(1, false);
                List<HostInputDevice.Event> seen = mouse.next(8, e -> e.type() == EV_KEY
                    || (e.type() == EV_REL && e.code() <= REL_WHEEL), EVENTS);
                List<String> expected = List.of("2:0=10", "2:1=-5", "2:0=127", "2:0=127", "2:0=46",
                    "2:" + REL_WHEEL + "=-2", "1:" + BTN_RIGHT + "=1", "1:" + BTN_RIGHT + "=0");
                List<String> got = seen.stream().map(HostInputDevice.Event::toString).toList();
                require(got.equals(expected), "expected " + expected + ", saw " + got);
                input.setMouseMode(HidInput.MouseMode.ABSOLUTE);
                return "events " + got;
            }
        });

        check("led-read-back", () -> {
            LinkedBlockingQueue<KeyboardLeds> changes = new LinkedBlockingQueue<>();
            hid.onLeds(changes::add);
            try (HostInputDevice keyboard = HostInputDevice.open(0, ENUMERATION)) {
                keyboard.send(EV_LED, LED_CAPSL, 1);
                KeyboardLeds caps = changes.poll(5, TimeUnit.SECONDS);
                require(new KeyboardLeds(false, true, false).equals(caps), "after Caps Lock on: " + caps);
                keyboard.send(EV_LED, LED_NUML, 1);
                KeyboardLeds both = changes.poll(5, TimeUnit.SECONDS);
                require(new KeyboardLeds(true, true, false).equals(both), "after Num Lock on: " + both);
                require(hid.status().leds().equals(both), "status shows " + hid.status().leds());
                keyboard.send(EV_LED, LED_CAPSL, 0);
                keyboard.send(EV_LED, LED_NUML, 0);
                Await.until(EVENTS, () -> hid.leds().equals(KeyboardLeds.OFF), "LEDs off again");
                return "caps " + caps + ", then " + both + ", then off";
            }
        });

        check("unbind-mid-typing-never-blocks-and-leaves-no-key-down", () -> {
            UsbGadget gadget = hid.gadget().orElseThrow();
            AtomicLong slowestCall = new AtomicLong();
            AtomicLong calls = new AtomicLong();
            boolean[] typing = {true};
            Thread typist = new Thread(() -> {
                int i = 0;
                while (typing[0]) {
                    long t0 = System.nanoTime();
                    input.tap(0x04 + i++ % 26);
                    slowestCall.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    calls.incrementAndGet();
                    sleepMillis(2); // a typist's pace
                }
            }, "typist");
            typist.start();
            Await.until(EVENTS, () -> calls.get() >= 20, "typing under way");
            long t0 = System.nanoTime();
            gadget.unbind();
            long unbindMillis = (System.nanoTime() - t0) / 1_000_000;
            Await.until(EVENTS, () -> hid.hostState() == UsbHostState.UNBOUND, "host state unbound");
            long callsBefore = calls.get();
            sleepMillis(1000); // time is the subject: a second of typing into the unbound gadget, none of it blocked
            require(calls.get() > callsBefore + 10, "typing stalled while unbound: " + calls.get() + " calls");
            require(!hid.status().keyboardOnline(), "keyboard still shown online while unbound");
            typing[0] = false;
            typist.join(5000);
            require(!typist.isAlive(), "the typist is stuck");
            gadget.bind();
            Await.until(ENUMERATION, () -> hid.hostState() == UsbHostState.CONFIGURED, "host configured again");
            try (HostInputDevice keyboard = HostInputDevice.open(0, ENUMERATION)) {
                List<HostInputDevice.Event> after = keyboard.collect(Duration.ofSeconds(1));
                List<Integer> pressed = keyboard.pressedKeys();
                require(pressed.isEmpty(), "keys held after rebind: " + pressed);
                require(after.stream().noneMatch(e -> e.type() == EV_KEY && e.value() == 1),
                    "key pressed after rebind: " + after);
            }
            long slowest = slowestCall.get() / 1_000;
            return String.format("%d taps, slowest tap call %d us, unbind took %d ms, no key down after rebind",
                calls.get(), slowest, unbindMillis);
        });

        check("held-key-released-when-host-goes-away", () -> {
            UsbGadget gadget = hid.gadget().orElseThrow();
            try (HostInputDevice keyboard = HostInputDevice.open(0, ENUMERATION)) {
                input.keyDown(0x05); // B, and the console never sends its key-up (bad link)
                List<HostInputDevice.Event> down = keyboard.next(1, e -> e.type() == EV_KEY, EVENTS);
                require(down.size() == 1 && down.get(0).value() == 1, "B not pressed: " + down);
            }
            gadget.unbind();
            Await.until(EVENTS, () -> hid.hostState() == UsbHostState.UNBOUND, "unbound");
            gadget.bind();
            Await.until(ENUMERATION, () -> hid.hostState() == UsbHostState.CONFIGURED, "configured again");
            try (HostInputDevice keyboard = HostInputDevice.open(0, ENUMERATION)) {
                List<HostInputDevice.Event> after = keyboard.collect(Duration.ofSeconds(1));
                List<Integer> pressed = keyboard.pressedKeys();
                require(pressed.isEmpty() && after.stream().noneMatch(e -> e.type() == EV_KEY && e.value() == 1),
                    "B held after the host came back: " + pressed + " " + after);
                input.releaseAll(); // the console's own state catches up
                input.tap(0x04);
                List<String> typed = keys(keyboard.next(2, e -> e.type() == EV_KEY, EVENTS));
                require(typed.equals(List.of(KEY_A + "=1", KEY_A + "=0")), "typing after rebind: " + typed);
                return "no key held after rebind; typing works again";
            }
        });

        check("led-read-back-after-rebind", () -> {
            LinkedBlockingQueue<KeyboardLeds> changes = new LinkedBlockingQueue<>();
            hid.onLeds(changes::add);
            try (HostInputDevice keyboard = HostInputDevice.open(0, ENUMERATION)) {
                keyboard.send(EV_LED, 2, 1); // Scroll Lock
                KeyboardLeds scroll = changes.poll(5, TimeUnit.SECONDS);
                require(new KeyboardLeds(false, false, true).equals(scroll), "after Scroll Lock on: " + scroll);
                return "scroll lock " + scroll;
            }
        });

        check("teardown-removes-gadget", () -> {
            hid.close();
            Path dir = Path.of("/sys/kernel/config/usb_gadget", config.name());
            require(!Files.exists(dir), dir + " still exists");
            Await.until(EVENTS, () -> {
                try {
                    return !HostInputDevice.anyDummyHcdDevice();
                } catch (java.io.IOException e) {
                    return false;
                }
            }, "host side devices gone");
            return "configfs folder and host devices gone";
        });

        check("custom-identity-and-no-pan-variant", () -> {
            GadgetConfig custom = new GadgetConfig("passkvm", Optional.empty(),
                new GadgetIdentity(0x1209, 0x0001, 0x0200, "Example Corp", "Plain Mouse", "CUSTOM42"), false,
                Optional.of(GadgetConfig.AbsolutePan.WITHOUT_PAN), false, List.of());
            try (GadgetHid plain = GadgetHid.start(custom)) {
                Await.until(ENUMERATION, () -> plain.hostState() == UsbHostState.CONFIGURED, "configured");
                HostInputDevice.Listing listing = HostInputDevice.await(0, ENUMERATION);
                Path usb = hostUsbDevice("CUSTOM42");
                require(read(usb, "idVendor").equals("1209") && read(usb, "manufacturer").equals("Example Corp"),
                    "identity " + read(usb, "idVendor") + " " + read(usb, "manufacturer"));
                long rel = listing.bitmap("REL");
                require((rel & (1L << REL_WHEEL)) != 0 && (rel & (1L << REL_HWHEEL)) == 0,
                    "REL capabilities 0x" + Long.toHexString(rel));
                try (HostInputDevice mouse = HostInputDevice.open(0, ENUMERATION)) {
                    new HidInput(plain).moveTo(100, 200);
                    List<HostInputDevice.Event> seen = mouse.next(2, e -> e.type() == EV_ABS, EVENTS);
                    require(seen.toString().equals("[3:0=100, 3:1=200]"), "moves " + seen);
                }
                return "VID 1209, REL bitmap 0x" + Long.toHexString(rel) + " (no REL_HWHEEL), 6-byte reports work";
            }
        });
    }

    private static Path hostUsbDevice(String serial) {
        return Await.value(ENUMERATION, () -> {
            try (var devices = Files.list(Path.of("/sys/bus/usb/devices"))) {
                return devices.filter(d -> Files.exists(d.resolve("serial")))
                    .filter(d -> read(d, "serial").equals(serial)).findFirst();
            }
        }, Optional::isPresent, "a USB device with serial " + serial + " on the host side").orElseThrow();
    }

    private static String read(Path dir, String attribute) {
        try {
            return Files.readString(dir.resolve(attribute)).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static List<String> keys(List<HostInputDevice.Event> events) {
        return events.stream().map(e -> e.code() + "=" + e.value()).toList();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
