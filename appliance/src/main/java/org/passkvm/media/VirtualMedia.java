package org.passkvm.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.passkvm.hid.storage.DriveCapabilities;
import org.passkvm.hid.storage.DriveException;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.hid.storage.DriveState;
import org.passkvm.hid.storage.MassStorageDrive;
import org.passkvm.web.Refusal;

/**
 * The store and the drive together: only whole images go into the drive, the image in the drive cannot be deleted or
 * overwritten, and a CD-ROM the kernel could not present whole is refused with the way out (flash mode).
 */
public final class VirtualMedia implements AutoCloseable {

    /** {@code GET /api/media}. */
    public record State(String implementation, boolean simulated, String unavailable, Mounted mounted,
                        boolean hostConnected, DriveCapabilities capabilities, ImageStore.Usage storage) {
    }

    /** The medium in the drive; image is null when the drive holds a file from outside the store. */
    public record Mounted(String image, String mode, boolean readOnly, String file) {
    }

    private final ImageStore store;
    private final VirtualDrive drive;
    private volatile String mounted;

    public VirtualMedia(ImageStore store, VirtualDrive drive) throws IOException {
        this.store = store;
        this.drive = drive;
        store.inUse(name -> name.equals(mounted));
        mounted = nameOf(drive.state().image());
    }

    public ImageStore store() {
        return store;
    }

    public VirtualDrive drive() {
        return drive;
    }

    public State state() throws IOException {
        DriveState s = drive.state();
        mounted = nameOf(s.image());
        Mounted m = s.image().map(file -> new Mounted(nameOf(s.image()), s.mode().name().toLowerCase(), s.readOnly(),
            file.toString())).orElse(null);
        return new State(drive.implementation(), drive.implementation().equals("demo"), drive.unavailable().orElse(null),
            m, s.hostConfigured(), drive.capabilities(), store.usage());
    }

    /** The images, each marked with whether this kernel can present it as a CD-ROM. */
    public List<ImageInfo> images() throws IOException {
        return store.list().stream().map(this::withCdromFlag).toList();
    }

    /** One image's entry with the CD-ROM flag the listing has. */
    ImageInfo withCdromFlag(ImageInfo i) {
        return i.ready() ? i.withCdrom(fitsCdrom(i.size(), drive.capabilities().cdromMaxBytes())) : i;
    }

    public State mount(ImageName name, DriveMode mode, boolean readOnly, boolean force) throws IOException {
        drive.unavailable().ifPresent(reason -> {
            throw Refusal.conflict(reason);
        });
        synchronized (store.lock()) {
            Path file = store.readyFile(name);
            if (mode == DriveMode.CDROM) {
                checkCdrom(name, Files.size(file), readOnly);
            }
            try {
                drive.insert(file, mode, readOnly, force);
            } catch (DriveException e) {
                mounted = nameOf(drive.state().image());
                throw Refusal.conflict(e.getMessage());
            }
            mounted = name.value();
        }
        return state();
    }

    public State eject(boolean force) throws IOException {
        drive.unavailable().ifPresent(reason -> {
            throw Refusal.conflict(reason);
        });
        synchronized (store.lock()) {
            try {
                drive.eject(force);
            } catch (DriveException e) {
                throw Refusal.conflict(e.getMessage());
            } finally {
                mounted = nameOf(drive.state().image());
            }
        }
        return state();
    }

    private void checkCdrom(ImageName name, long size, boolean readOnly) {
        if (!readOnly) {
            throw Refusal.invalid("a CD-ROM is always read-only: use mode \"flash\" for a writable drive");
        }
        long max = drive.capabilities().cdromMaxBytes();
        if (size > max) {
            throw Refusal.conflict("image " + name + " is " + ImageStore.mb(size) + ", larger than the "
                + ImageStore.mb(max) + " this kernel can present as a CD-ROM (stock f_mass_storage has no DVD emulation "
                + "and would show only the start of it): mount it with mode \"flash\" instead; installers made for USB "
                + "sticks (most Linux and Windows ISOs are hybrid) boot from it");
        }
        if (size < MassStorageDrive.CDROM_MIN_BYTES) {
            throw Refusal.invalid("image " + name + " is " + size + " bytes, smaller than the smallest CD-ROM ("
                + MassStorageDrive.CDROM_MIN_BYTES + " bytes): mount it with mode \"flash\"");
        }
        if (size % 2048 != 0) {
            throw Refusal.invalid("image " + name + " is not a whole number of 2048-byte CD sectors, so it is "
                + "not a CD image: mount it with mode \"flash\"");
        }
    }

    static boolean fitsCdrom(long size, long max) {
        return size <= max && size >= MassStorageDrive.CDROM_MIN_BYTES && size % 2048 == 0;
    }

    private String nameOf(Optional<Path> file) {
        return file.filter(f -> store.directory().equals(f.toAbsolutePath().getParent()))
            .map(f -> f.getFileName().toString()).orElse(null);
    }

    @Override
    public void close() {
        store.close();
    }
}
