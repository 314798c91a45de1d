package org.passkvm.video;

/** Why a source delivers no frames; the stream shows {@link SourceState#reason()} instead. */
public class SourceException extends Exception {

    private final SourceState state;

    public SourceException(SourceState state, String detail) {
        super(detail);
        this.state = state;
    }

    public SourceException(SourceState state, String detail, Throwable cause) {
        super(detail, cause);
        this.state = state;
    }

    public SourceState state() {
        return state;
    }
}
