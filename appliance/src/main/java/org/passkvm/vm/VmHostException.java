package org.passkvm.vm;

import org.passkvm.web.Refusal;

/**
 * A refusal or failure of the VM host, sorted by what the caller can do about it: {@code NOT_FOUND} (no such VM or
 * device), {@code INVALID} (the request or the XML is wrong), {@code CONFLICT} (not now: the VM runs, or is already
 * off), {@code UNSUPPORTED} (this host or driver cannot do it), {@code UNAVAILABLE} (the host is not connected),
 * {@code FAILED} (the host tried and failed).
 */
public final class VmHostException extends Refusal {

    public VmHostException(Kind kind, String message) {
        super(kind, message);
    }
}
