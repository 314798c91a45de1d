package org.passkvm.media;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.passkvm.hid.storage.DriveCapabilities;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.hid.storage.DriveState;
import org.passkvm.hid.storage.InquiryString;
import org.passkvm.hid.storage.MassStorageDrive;

/** The real drive: the mass-storage function of PassKVM's USB gadget. */
final class GadgetDrive implements VirtualDrive {

    private final MassStorageDrive drive;
    private final InquiryString inquiry;

    GadgetDrive(MassStorageDrive drive, InquiryString inquiry) {
        this.drive = drive;
        this.inquiry = inquiry;
    }

    @Override
    public String implementation() {
        return "gadget";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public DriveCapabilities capabilities() {
        return drive.capabilities();
    }

    @Override
    public DriveState state() throws IOException {
        return drive.state();
    }

    @Override
    public void insert(Path image, DriveMode mode, boolean readOnly, boolean force) throws IOException {
        drive.insert(image, mode, readOnly, inquiry, force);
    }

    @Override
    public void eject(boolean force) throws IOException {
        drive.eject(force);
    }
}
