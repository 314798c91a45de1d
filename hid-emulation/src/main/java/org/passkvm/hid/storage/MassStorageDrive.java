package org.passkvm.hid.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * The live drive: loads, switches and ejects the medium of the gadget's mass-storage LUN. It needs only the gadget's
 * configfs folder, so it works with whatever built the gadget.
 *
 * <p>What the kernel allows, found on Debian's 6.1 under dummy_hcd: {@code ro} and {@code cdrom=1} can change only
 * while no medium is loaded (EBUSY otherwise); the host decides between disk and CD-ROM driver when it enumerates the
 * device, so a mode switch must unbind and rebind the gadget (which re-plugs the keyboard and mice too); an image
 * switch within one mode is a medium change (write {@code file} empty, then the new path); a host that locked the
 * medium makes the empty write fail, and only {@code forced_eject} (kernels from 6.0) gets past that.
 */
public final class MassStorageDrive {

    static final String LUN = "lun.0";
    /**
     * Stock f_mass_storage caps a CD-ROM at 256*60*75 - 1 frames of 2048 bytes (the largest CD address, no DVD
     * emulation) and silently presents only the start of a larger file (storage_common.c, fsg_lun_open).
     */
    public static final long STOCK_CDROM_MAX_BYTES = (256L * 60 * 75 - 1) * 2048;
    /** The smallest CD-ROM the kernel accepts: one 300-frame track; a smaller file is refused with ETOOSMALL. */
    public static final long CDROM_MIN_BYTES = 300L * 2048;

    private final Path gadget;
    private final Path lun;
    private final Path udcClass;

    MassStorageDrive(Path gadget, Path function, Path udcClass) {
        this.gadget = gadget;
        this.lun = function.resolve(LUN);
        this.udcClass = udcClass;
    }

    /**
     * The drive of an existing gadget (e.g. {@code /sys/kernel/config/usb_gadget/passkvm}). If the gadget has no
     * mass-storage function yet it is added, which needs one unbind/rebind.
     */
    public static MassStorageDrive of(Path gadget, Path sysfs) throws IOException {
        if (!Files.isDirectory(gadget)) {
            throw new IOException("no USB gadget at " + gadget);
        }
        Path functions = gadget.resolve("functions");
        Optional<Path> existing;
        try (Stream<Path> list = Files.list(functions)) {
            existing = list.filter(p -> p.getFileName().toString().startsWith("mass_storage.")).findFirst();
        }
        MassStorageDrive drive = new MassStorageDrive(gadget,
            existing.orElse(functions.resolve(MassStorageFunction.DIRECTORY)), sysfs.resolve("class/udc"));
        if (existing.isEmpty()) {
            drive.addFunction();
        }
        return drive;
    }

    private void addFunction() throws IOException {
        Logger.info("Adding a mass-storage function to {} (the host sees the device re-plugged once)", gadget);
        Path function = lun.getParent();
        whileUnbound(() -> {
            Files.createDirectory(function);
            writeIfPresent("removable", "1");
            Path configs = gadget.resolve("configs");
            try (Stream<Path> list = Files.list(configs)) {
                Path config = list.findFirst().orElseThrow(() -> new IOException("gadget " + gadget + " has no configuration"));
                Files.createSymbolicLink(config.resolve(function.getFileName()), function);
            }
        });
    }

    /** What the running kernel's f_mass_storage offers, probed from the LUN's attributes. */
    public DriveCapabilities capabilities() {
        boolean cdromInquiry = Files.exists(lun.resolve("inquiry_string_cdrom"));
        // inquiry_string_cdrom comes with the out-of-tree DVD patches (PiKVM's kernels), which lift the CD size cap.
        return new DriveCapabilities(Files.exists(lun.resolve("forced_eject")), Files.exists(lun.resolve("inquiry_string")),
            cdromInquiry, cdromInquiry ? Long.MAX_VALUE : STOCK_CDROM_MAX_BYTES);
    }

    public DriveState state() throws IOException {
        String file = read("file");
        return new DriveState(file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)),
            read("cdrom").equals("1") ? DriveMode.CDROM : DriveMode.FLASH, read("ro").equals("1"), hostConfigured());
    }

    /**
     * Shows the target {@code image}: ejects what is loaded (forcibly if {@code force} and the host locked it), sets
     * mode and write protection (re-plugging the device when the mode changes), and loads the image.
     */
    public synchronized void insert(Path image, DriveMode mode, boolean readOnly, InquiryString inquiry, boolean force)
            throws IOException {
        if (mode == DriveMode.CDROM && !readOnly) {
            throw new IllegalArgumentException("a CD-ROM is always read-only");
        }
        if (!Files.isRegularFile(image)) {
            throw new IOException("no image file " + image);
        }
        DriveState before = state();
        eject(force);
        IoAction load = () -> {
            // cdrom=1 turns ro on by itself; order them so neither write meets a loaded medium.
            write("ro", readOnly ? "1" : "0");
            write("cdrom", mode == DriveMode.CDROM ? "1" : "0");
            writeIfPresent("inquiry_string", inquiry.attribute());
            writeIfPresent("inquiry_string_cdrom", inquiry.attribute());
            load(image);
        };
        if (before.mode() != mode && boundUdc().isPresent()) {
            whileUnbound(load);
        } else {
            load.run();
        }
        Logger.info("Drive: {} as {}{}", image.getFileName(), mode.name().toLowerCase(),
            mode == DriveMode.FLASH && !readOnly ? " (writable)" : "");
    }

    private void load(Path image) throws IOException {
        try {
            write("file", image.toAbsolutePath().toString());
        } catch (IOException e) {
            // The kernel says only "Invalid argument" or the like; say what it means for a medium.
            long size = Files.size(image);
            String why = read("cdrom").equals("1") && size < CDROM_MIN_BYTES
                ? "it is smaller than the smallest CD-ROM (" + CDROM_MIN_BYTES + " bytes)" : e.getMessage();
            throw new DriveException(DriveException.Reason.REJECTED, "the kernel refused " + image.getFileName() + ": " + why);
        }
    }

    /**
     * Removes the medium. A host that locked the medium (PREVENT ALLOW MEDIUM REMOVAL, as a mounted CD does) refuses
     * a plain eject: with {@code force} and a kernel that has {@code forced_eject} it is taken away anyway.
     */
    public synchronized void eject(boolean force) throws IOException {
        if (read("file").isEmpty()) {
            return;
        }
        try {
            write("file", "\n");
        } catch (IOException e) {
            Logger.debug("eject refused: {}", e.getMessage());
        }
        if (read("file").isEmpty()) {
            return;
        }
        if (!force) {
            throw new DriveException(DriveException.Reason.HOST_LOCKED,
                "the target has locked the medium (it is in use there); eject it on the target, or eject with force");
        }
        if (!Files.exists(lun.resolve("forced_eject"))) {
            throw new DriveException(DriveException.Reason.HOST_LOCKED, "the target has locked the medium and this kernel "
                + "has no forced_eject (Linux 6.0 or later has it); eject it on the target first");
        }
        write("forced_eject", "1");
        if (!read("file").isEmpty()) {
            throw new DriveException(DriveException.Reason.HOST_LOCKED, "forced eject did not remove the medium");
        }
        Logger.info("Drive: medium ejected by force");
    }

    /** The host has configured the gadget (it is plugged in and enumerated). */
    public boolean hostConfigured() {
        return boundUdc().map(udc -> {
            try {
                return Files.readString(udcClass.resolve(udc).resolve("state")).strip().equals("configured");
            } catch (IOException e) {
                return false;
            }
        }).orElse(false);
    }

    private Optional<String> boundUdc() {
        try {
            String udc = Files.readString(gadget.resolve("UDC")).strip();
            return udc.isEmpty() ? Optional.empty() : Optional.of(udc);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void whileUnbound(IoAction change) throws IOException {
        Optional<String> udc = boundUdc();
        if (udc.isPresent()) {
            Files.writeString(gadget.resolve("UDC"), "\n");
        }
        try {
            change.run();
        } finally {
            if (udc.isPresent()) {
                Files.writeString(gadget.resolve("UDC"), udc.get());
            }
        }
    }

    private String read(String attribute) throws IOException {
        return Files.readString(lun.resolve(attribute), StandardCharsets.UTF_8).strip();
    }

    private void write(String attribute, String value) throws IOException {
        Files.write(lun.resolve(attribute), value.getBytes(StandardCharsets.UTF_8));
    }

    private void writeIfPresent(String attribute, String value) throws IOException {
        // Writing an attribute the kernel lacks would create nothing and fail with EACCES: probe first.
        if (Files.exists(lun.resolve(attribute))) {
            write(attribute, value);
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
