package org.passkvm.hid.gadget;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * The composite USB gadget in configfs (libcomposite): created from a {@link GadgetConfig}, bound to a device
 * controller, torn down again. Creation first removes a gadget of the same name left behind by a crash, so starting
 * twice is harmless.
 */
public final class UsbGadget {

    private static final String LANGUAGE_EN_US = "strings/0x409";
    private static final String CONFIG = "configs/c.1";

    private final KernelPaths kernel;
    private final GadgetConfig config;
    private final ConfigfsDirectory root;

    private UsbGadget(KernelPaths kernel, GadgetConfig config) {
        this.kernel = kernel;
        this.config = config;
        this.root = new ConfigfsDirectory(kernel.gadgets().resolve(config.name()));
    }

    /** Builds the gadget in configfs (unbound). Needs root, configfs mounted and libcomposite loaded. */
    public static UsbGadget create(KernelPaths kernel, GadgetConfig config) throws IOException {
        if (!Files.isDirectory(kernel.gadgets())) {
            throw new IOException(kernel.gadgets() + " is missing: mount configfs and load libcomposite");
        }
        UsbGadget gadget = new UsbGadget(kernel, config);
        if (Files.exists(gadget.root.path())) {
            Logger.warn("USB gadget {} exists (left from an earlier run): removing it", gadget.root);
            gadget.remove();
        }
        gadget.build();
        return gadget;
    }

    public GadgetConfig config() {
        return config;
    }

    private void build() throws IOException {
        ConfigfsDirectory gadget = new ConfigfsDirectory(Files.createDirectory(root.path()));
        GadgetIdentity id = config.identity();
        gadget.write("idVendor", hex(id.vendorId()));
        gadget.write("idProduct", hex(id.productId()));
        gadget.write("bcdDevice", hex(id.deviceVersion()));
        gadget.write("bcdUSB", "0x0200");
        ConfigfsDirectory strings = gadget.child("strings").child("0x409");
        strings.write("manufacturer", id.manufacturer());
        strings.write("product", id.product());
        strings.write("serialnumber", id.serialNumber());

        ConfigfsDirectory configuration = gadget.child("configs").child("c.1");
        configuration.writeIfPresent("MaxPower", "100");
        configuration.child("strings").child("0x409").write("configuration", "PassKVM");
        for (GadgetFunction function : config.allFunctions()) {
            function.configure(gadget.child("functions").child(function.directoryName()));
            Files.createSymbolicLink(configuration.path().resolve(function.directoryName()),
                root.path().resolve("functions").resolve(function.directoryName()));
        }
    }

    /** Binds to the configured device controller, or the first one present; the host then sees the device. */
    public void bind() throws IOException {
        String udc = config.udc().orElseGet(this::firstUdc);
        if (udc == null) {
            throw new IOException("no USB device controller in " + kernel.udcClass() + " (OTG port in host mode?)");
        }
        root.write("UDC", udc);
        Logger.info("USB gadget {} bound to {}", config.name(), udc);
    }

    public void unbind() throws IOException {
        if (boundUdc().isPresent()) {
            root.write("UDC", "\n");
        }
    }

    public Optional<String> boundUdc() {
        try {
            String udc = root.read("UDC");
            return udc.isEmpty() ? Optional.empty() : Optional.of(udc);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The UDC to watch for the host's state: the bound one, else the one we would bind to. */
    public Optional<String> udcName() {
        return boundUdc().or(() -> config.udc().or(() -> Optional.ofNullable(firstUdc())));
    }

    /** Runs a change that the kernel only accepts while unbound (e.g. switching a drive to CD-ROM), then rebinds. */
    public void whileUnbound(IoAction change) throws IOException {
        boolean wasBound = boundUdc().isPresent();
        unbind();
        try {
            change.run();
        } finally {
            if (wasBound) {
                bind();
            }
        }
    }

    /** The live configfs folder of one of our functions, for attributes that may change while bound. */
    public ConfigfsDirectory functionDirectory(GadgetFunction function) {
        return new ConfigfsDirectory(root.path().resolve("functions").resolve(function.directoryName()));
    }

    /** /dev/hidgN of a HID function, matched by device number (N follows creation order, not our names). */
    public Path deviceNode(HidFunction function) throws IOException {
        String devNumber = functionDirectory(function).read("dev");
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(kernel.hidgClass())) {
            for (Path node : nodes) {
                if (Files.readString(node.resolve("dev")).strip().equals(devNumber)) {
                    return kernel.dev().resolve(node.getFileName().toString());
                }
            }
        }
        throw new IOException("no /dev/hidg node with device number " + devNumber + " for " + function.directoryName());
    }

    /** Unbinds and removes everything under the gadget's folder, in the order configfs requires. */
    public void remove() throws IOException {
        if (!Files.exists(root.path())) {
            return;
        }
        try {
            unbind();
        } catch (IOException e) {
            Logger.warn(e, "could not unbind {}", root);
        }
        for (Path configuration : list(root.path().resolve("configs"))) {
            for (Path entry : list(configuration)) {
                if (Files.isSymbolicLink(entry)) {
                    Files.delete(entry);
                }
            }
            removeTree(configuration);
        }
        for (Path function : list(root.path().resolve("functions"))) {
            removeTree(function);
        }
        for (Path language : list(root.path().resolve("strings"))) {
            Files.delete(language);
        }
        Path osDesc = root.path().resolve("os_desc");
        for (Path link : list(osDesc)) {
            if (Files.isSymbolicLink(link)) {
                Files.delete(link);
            }
        }
        Files.delete(root.path());
        Logger.info("USB gadget {} removed", config.name());
    }

    /**
     * Removes a folder and the sub-folders we created in it (e.g. strings/0x409, lun.1). Folders the kernel made
     * itself (lun.0) refuse rmdir and go away with their parent, so failures below the top are ignored.
     */
    private static void removeTree(Path dir) throws IOException {
        for (Path child : list(dir)) {
            if (Files.isSymbolicLink(child)) {
                Files.delete(child);
            } else if (Files.isDirectory(child)) {
                try {
                    removeTree(child);
                } catch (IOException e) {
                    Logger.debug("configfs keeps {} until its parent goes", child);
                }
            }
        }
        Files.delete(dir);
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return new ArrayList<>(entries.toList());
        }
    }

    private String firstUdc() {
        try {
            return list(kernel.udcClass()).stream().map(p -> p.getFileName().toString()).sorted().findFirst()
                .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String hex(int value) {
        return String.format("0x%04x", value);
    }

    /** A configfs change that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }
}
