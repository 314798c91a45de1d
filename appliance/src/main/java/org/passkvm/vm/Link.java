package org.passkvm.vm;

import java.time.Instant;

/**
 * The connection to the VM host.
 *
 * @param detail why it is down, or the host's name when up
 * @param since when it entered this state
 */
public record Link(String uri, State state, String detail, Instant since) {

    public enum State { CONNECTING, CONNECTED, DISCONNECTED }

    public boolean up() {
        return state == State.CONNECTED;
    }
}
