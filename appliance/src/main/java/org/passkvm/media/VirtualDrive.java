package org.passkvm.media;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.passkvm.hid.storage.DriveCapabilities;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.hid.storage.DriveState;

/** What presents an image to the target: the USB gadget's drive, the demo's pretend drive, or nothing. */
public interface VirtualDrive {

    /** "gadget", "demo" or "none", as shown in the API and health. */
    String implementation();

    /** Why there is no drive (e.g. the CH9329 path); empty when there is one. */
    Optional<String> unavailable();

    DriveCapabilities capabilities();

    DriveState state() throws IOException;

    void insert(Path image, DriveMode mode, boolean readOnly, boolean force) throws IOException;

    void eject(boolean force) throws IOException;
}
