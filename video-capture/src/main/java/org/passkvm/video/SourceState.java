package org.passkvm.video;

/** What the stream shows, and the words on its reason screen when there is no picture. */
public enum SourceState {
    STREAMING(""),
    IDLE(""),
    NO_DEVICE("NO CAPTURE DEVICE"),
    NO_SIGNAL("NO SIGNAL"),
    RESOLUTION_CHANGE("RESOLUTION CHANGED"),
    ERROR("CAPTURE ERROR"),
    /** A VM display source whose VM is not running. */
    VM_STOPPED("VM NOT RUNNING"),
    /** A VM display source whose host cannot be reached (the libvirt/SSH link is down). */
    HOST_UNREACHABLE("HOST UNREACHABLE");

    private final String reason;

    SourceState(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
