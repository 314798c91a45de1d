package org.passkvm.hid.storage;

import java.io.IOException;

/** The drive could not do what was asked, for a reason a user can act on. */
public final class DriveException extends IOException {

    public enum Reason {
        /** The host locked the medium and it could not be (or was not asked to be) taken away by force. */
        HOST_LOCKED,
        /** The kernel would not load the file (too small for a CD-ROM, unreadable, ...). */
        REJECTED
    }

    private final Reason reason;

    public DriveException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
