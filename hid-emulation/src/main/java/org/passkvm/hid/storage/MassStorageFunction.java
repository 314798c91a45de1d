package org.passkvm.hid.storage;

import java.io.IOException;
import org.passkvm.hid.gadget.ConfigfsDirectory;
import org.passkvm.hid.gadget.GadgetFunction;

/**
 * The mass-storage function as one member of the composite gadget: pass it in
 * {@code GadgetConfig.withExtraFunction(new MassStorageFunction())} so the drive is there from the first bind and
 * needs no extra re-enumeration. It starts empty; {@link MassStorageDrive} loads media into it later.
 */
public final class MassStorageFunction implements GadgetFunction {

    /** The kernel names the function type "mass_storage"; the instance name is ours. */
    public static final String DIRECTORY = "mass_storage.usb0";

    @Override
    public String directoryName() {
        return DIRECTORY;
    }

    @Override
    public void configure(ConfigfsDirectory function) throws IOException {
        // lun.0 is created by the kernel together with the function. A non-removable LUN without a file makes the
        // bind fail, so make sure it is removable (the configfs default, but nothing else would work for us).
        ConfigfsDirectory lun = function.child(MassStorageDrive.LUN);
        lun.writeIfPresent("removable", "1");
    }
}
