package org.passkvm.appliance;

import java.util.List;
import java.util.Optional;
import org.passkvm.hid.gadget.GadgetConfig;
import org.passkvm.hid.gadget.GadgetIdentity;

/**
 * The USB gadget's identity and functions from the "hid.gadget" config section. Every key is optional; the defaults
 * are a keyboard, an absolute mouse with horizontal pan and a relative boot mouse as VID 1d6b / PID 0104.
 */
final class GadgetSettings {

    enum AbsoluteMouse { WITH_PAN, WITHOUT_PAN, OFF }

    private GadgetSettings() {}

    static GadgetConfig from(Config gadget) {
        GadgetIdentity d = GadgetIdentity.DEFAULT;
        GadgetIdentity identity = new GadgetIdentity(
            gadget.integer("vendor_id", d.vendorId(), 0, 0xFFFF),
            gadget.integer("product_id", d.productId(), 0, 0xFFFF),
            gadget.integer("device_version", d.deviceVersion(), 0, 0xFFFF),
            gadget.string("manufacturer", d.manufacturer()),
            gadget.string("product", d.product()),
            gadget.string("serial", d.serialNumber()));
        String udc = gadget.string("udc", "");
        Optional<GadgetConfig.AbsolutePan> absolute = switch (gadget.choice("absolute_mouse", AbsoluteMouse.WITH_PAN)) {
            case WITH_PAN -> Optional.of(GadgetConfig.AbsolutePan.WITH_PAN);
            case WITHOUT_PAN -> Optional.of(GadgetConfig.AbsolutePan.WITHOUT_PAN);
            case OFF -> Optional.empty();
        };
        return new GadgetConfig(GadgetConfig.DEFAULT_NAME, udc.isBlank() ? Optional.empty() : Optional.of(udc),
            identity, gadget.bool("keyboard", true), absolute, gadget.bool("relative_mouse", true), List.of());
    }
}
