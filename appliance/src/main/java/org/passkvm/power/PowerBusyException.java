package org.passkvm.power;

import org.passkvm.web.Refusal;

/** A second action while one is still being pressed: refused, never queued behind it. */
public final class PowerBusyException extends Refusal {

    private final PowerAction running;

    public PowerBusyException(PowerAction running) {
        super(Kind.CONFLICT, "busy: '" + running.id() + "' is still in progress");
        this.running = running;
    }

    public PowerAction running() {
        return running;
    }
}
