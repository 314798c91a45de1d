package org.passkvm.hid.gadget;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the composite gadget consists of.
 *
 * @param name folder name under usb_gadget; a folder of this name is ours and is removed if left from a crash
 * @param udc the device controller to bind to, or empty for the first one in /sys/class/udc
 * @param absoluteMouse absent, with horizontal pan, or without (for firmware that rejects the pan usage)
 * @param extraFunctions further functions, e.g. mass storage, linked after the HID ones
 */
public record GadgetConfig(String name, Optional<String> udc, GadgetIdentity identity, boolean keyboard,
                           Optional<AbsolutePan> absoluteMouse, boolean relativeMouse,
                           List<GadgetFunction> extraFunctions) {

    public enum AbsolutePan { WITH_PAN, WITHOUT_PAN }

    public static final String DEFAULT_NAME = "passkvm";

    public GadgetConfig {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("gadget name must be a plain folder name, got " + name);
        }
        extraFunctions = List.copyOf(extraFunctions);
    }

    /** Keyboard, absolute mouse with pan and relative mouse: what a PiKVM user expects. */
    public static GadgetConfig standard() {
        return new GadgetConfig(DEFAULT_NAME, Optional.empty(), GadgetIdentity.DEFAULT, true,
            Optional.of(AbsolutePan.WITH_PAN), true, List.of());
    }

    public GadgetConfig withIdentity(GadgetIdentity newIdentity) {
        return new GadgetConfig(name, udc, newIdentity, keyboard, absoluteMouse, relativeMouse, extraFunctions);
    }

    public GadgetConfig withExtraFunction(GadgetFunction function) {
        List<GadgetFunction> all = new ArrayList<>(extraFunctions);
        all.add(function);
        return new GadgetConfig(name, udc, identity, keyboard, absoluteMouse, relativeMouse, all);
    }

    public List<HidFunction> hidFunctions() {
        List<HidFunction> functions = new ArrayList<>();
        if (keyboard) {
            functions.add(HidFunction.keyboard());
        }
        absoluteMouse.ifPresent(pan -> functions.add(HidFunction.absoluteMouse(pan == AbsolutePan.WITH_PAN)));
        if (relativeMouse) {
            functions.add(HidFunction.relativeMouse());
        }
        return functions;
    }

    public List<GadgetFunction> allFunctions() {
        List<GadgetFunction> all = new ArrayList<>(hidFunctions());
        all.addAll(extraFunctions);
        return all;
    }
}
