package org.passkvm.hid.gadget;

import java.io.IOException;

/**
 * One USB function of the composite gadget (a HID device, a mass-storage drive, ...). The gadget creates the folder
 * functions/{@link #directoryName()}, lets the function fill in its attributes, and links it into the configuration.
 * Mass storage plugs in here by implementing this interface and passing it in {@link GadgetConfig#extraFunctions()}.
 */
public interface GadgetFunction {

    /** "type.instance", e.g. "hid.keyboard" or "mass_storage.drive"; the type names the kernel module's function. */
    String directoryName();

    /** Writes the function's attributes; called before the gadget is bound (most attributes are frozen after). */
    void configure(ConfigfsDirectory function) throws IOException;
}
