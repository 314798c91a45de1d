package org.passkvm.media;

import java.nio.file.Path;
import java.util.Optional;
import org.passkvm.hid.storage.DriveCapabilities;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.hid.storage.DriveState;
import org.passkvm.hid.storage.MassStorageDrive;
import org.tinylog.Logger;

/**
 * The demo's drive: a simulated target has no USB port, so this only remembers what was "inserted", with the same
 * rules as the real drive (stock-kernel CD size limit, CD-ROMs read-only), so the console and API can be tried out.
 */
final class DemoDrive implements VirtualDrive {

    private final long cdromMaxBytes;
    private volatile DriveState state = new DriveState(Optional.empty(), DriveMode.FLASH, true, true);

    DemoDrive() {
        this(MassStorageDrive.STOCK_CDROM_MAX_BYTES);
    }

    DemoDrive(long cdromMaxBytes) {
        this.cdromMaxBytes = cdromMaxBytes;
    }

    @Override
    public String implementation() {
        return "demo";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public DriveCapabilities capabilities() {
        return new DriveCapabilities(true, true, false, cdromMaxBytes);
    }

    @Override
    public DriveState state() {
        return state;
    }

    @Override
    public synchronized void insert(Path image, DriveMode mode, boolean readOnly, boolean force) {
        if (mode == DriveMode.CDROM && !readOnly) {
            throw new IllegalArgumentException("a CD-ROM is always read-only");
        }
        state = new DriveState(Optional.of(image), mode, readOnly, true);
        Logger.info("Media (simulated): {} as {}", image.getFileName(), mode.name().toLowerCase());
    }

    @Override
    public synchronized void eject(boolean force) {
        state = new DriveState(Optional.empty(), state.mode(), state.readOnly(), true);
    }
}
