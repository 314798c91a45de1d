package org.passkvm.video;

/** What the stream shows, and the words on its reason screen when there is no picture. */
public enum SourceState {
    STREAMING(""),
    IDLE(""),
    NO_DEVICE("NO CAPTURE DEVICE"),
    NO_SIGNAL("NO SIGNAL"),
    RESOLUTION_CHANGE("RESOLUTION CHANGED"),
    ERROR("CAPTURE ERROR");

    private final String reason;

    SourceState(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
