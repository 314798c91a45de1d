package org.passkvm.media;

import java.nio.file.Path;
import java.util.Optional;
import org.passkvm.hid.storage.DriveCapabilities;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.hid.storage.DriveState;
import org.passkvm.web.Refusal;

/** No way to present media (the CH9329 HID path, or turned off): the store still works, mounting says why not. */
final class AbsentDrive implements VirtualDrive {

    private final String reason;

    AbsentDrive(String reason) {
        this.reason = reason;
    }

    @Override
    public String implementation() {
        return "none";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.of(reason);
    }

    @Override
    public DriveCapabilities capabilities() {
        return new DriveCapabilities(false, false, false, 0);
    }

    @Override
    public DriveState state() {
        return new DriveState(Optional.empty(), DriveMode.FLASH, true, false);
    }

    @Override
    public void insert(Path image, DriveMode mode, boolean readOnly, boolean force) {
        throw Refusal.conflict(reason);
    }

    @Override
    public void eject(boolean force) {
        throw Refusal.conflict(reason);
    }
}
