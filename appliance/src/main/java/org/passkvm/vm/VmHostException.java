package org.passkvm.vm;

/** A refusal or failure of the VM host, sorted by what the caller can do about it. */
public final class VmHostException extends RuntimeException {

    public enum Kind {
        /** No such VM or device. */
        NOT_FOUND,
        /** The request or the XML is wrong. */
        INVALID,
        /** Not now: e.g. the VM runs, or is already off. */
        CONFLICT,
        /** This host or driver cannot do it. */
        UNSUPPORTED,
        /** The host is not connected. */
        UNAVAILABLE,
        /** The host tried and failed. */
        FAILED
    }

    private final Kind kind;

    public VmHostException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
