package org.passkvm.hid.gadget;

import java.nio.file.Path;

/** Where the kernel's interfaces are mounted; tests point these at a temporary folder. */
public record KernelPaths(Path configfs, Path sysfs, Path dev) {

    public static final KernelPaths SYSTEM =
        new KernelPaths(Path.of("/sys/kernel/config"), Path.of("/sys"), Path.of("/dev"));

    Path gadgets() {
        return configfs.resolve("usb_gadget");
    }

    Path udcClass() {
        return sysfs.resolve("class/udc");
    }

    Path hidgClass() {
        return sysfs.resolve("class/hidg");
    }
}
