package org.passkvm.hid.gadget;

/**
 * How the gadget introduces itself to the host. Configurable because some hosts block composite devices or
 * unknown vendors; the default is the Linux Foundation's "multifunction composite gadget" ID seen in the field.
 */
public record GadgetIdentity(int vendorId, int productId, int deviceVersion, String manufacturer, String product,
                             String serialNumber) {

    public static final GadgetIdentity DEFAULT =
        new GadgetIdentity(0x1D6B, 0x0104, 0x0100, "PassKVM", "PassKVM Composite Device", "PASSKVM0001");

    public GadgetIdentity {
        checkU16("vendorId", vendorId);
        checkU16("productId", productId);
        checkU16("deviceVersion", deviceVersion);
    }

    private static void checkU16(String what, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " must fit 16 bits, got " + value);
        }
    }
}
