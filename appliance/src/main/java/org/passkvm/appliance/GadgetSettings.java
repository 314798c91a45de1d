package org.passkvm.appliance;

import java.util.List;
import java.util.Optional;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.hid.gadget.GadgetConfig;
import org.passkvm.hid.gadget.GadgetIdentity;

/**
 * The USB gadget's identity and functions from the "hid.gadget" config section. Every key is optional; the defaults
 * are a keyboard, an absolute mouse with horizontal pan and a relative boot mouse as VID 1d6b / PID 0104.
 */
final class GadgetSettings {

    enum AbsoluteMouse { WITH_PAN, WITHOUT_PAN, OFF }

    private static final GadgetIdentity D = GadgetIdentity.DEFAULT;
    static final Setting<Integer> VENDOR_ID = Setting.integer("vendor_id", D.vendorId(), 0, 0xFFFF,
            "identity the target sees (Linux Foundation / multifunction composite)").shown(hex(D.vendorId()));
    static final Setting<Integer> PRODUCT_ID = Setting.integer("product_id", D.productId(), 0, 0xFFFF, "").shown(hex(D.productId()));
    static final Setting<Integer> DEVICE_VERSION = Setting.integer("device_version", D.deviceVersion(), 0, 0xFFFF, "")
            .shown(hex(D.deviceVersion()));
    static final Setting<String> MANUFACTURER = Setting.text("manufacturer", D.manufacturer(), "");
    static final Setting<String> PRODUCT = Setting.text("product", D.product(), "");
    static final Setting<String> SERIAL = Setting.text("serial", D.serialNumber(), "");
    static final Setting<String> UDC = Setting.text("udc", "", "\"\" = the first /sys/class/udc entry");
    static final Setting<Boolean> KEYBOARD = Setting.flag("keyboard", true, "");
    static final Setting<AbsoluteMouse> ABSOLUTE_MOUSE = Setting.choice("absolute_mouse", AbsoluteMouse.WITH_PAN,
            "some firmware dislikes the pan axis");
    static final Setting<Boolean> RELATIVE_MOUSE = Setting.flag("relative_mouse", true,
            "a boot mouse for BIOS/UEFI setups that ignore absolute ones");

    static final Section SETTINGS = Section.of("gadget", VENDOR_ID, PRODUCT_ID, DEVICE_VERSION, MANUFACTURER, PRODUCT, SERIAL,
            UDC, KEYBOARD, ABSOLUTE_MOUSE, RELATIVE_MOUSE).doc("USB gadget only");

    private GadgetSettings() {}

    static GadgetConfig from(Values gadget) {
        GadgetIdentity identity = new GadgetIdentity(gadget.get(VENDOR_ID), gadget.get(PRODUCT_ID), gadget.get(DEVICE_VERSION),
            gadget.get(MANUFACTURER), gadget.get(PRODUCT), gadget.get(SERIAL));
        String udc = gadget.get(UDC);
        Optional<GadgetConfig.AbsolutePan> absolute = switch (gadget.get(ABSOLUTE_MOUSE)) {
            case WITH_PAN -> Optional.of(GadgetConfig.AbsolutePan.WITH_PAN);
            case WITHOUT_PAN -> Optional.of(GadgetConfig.AbsolutePan.WITHOUT_PAN);
            case OFF -> Optional.empty();
        };
        return new GadgetConfig(GadgetConfig.DEFAULT_NAME, udc.isBlank() ? Optional.empty() : Optional.of(udc),
            identity, gadget.get(KEYBOARD), absolute, gadget.get(RELATIVE_MOUSE), List.of());
    }

    private static String hex(int value) {
        return String.format("0x%04x", value);
    }
}
