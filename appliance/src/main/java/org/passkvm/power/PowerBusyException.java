package org.passkvm.power;

/** A second action while one is still being pressed: refused, never queued behind it. */
public final class PowerBusyException extends RuntimeException {

    private final PowerAction running;

    public PowerBusyException(PowerAction running) {
        super("busy: '" + running.id() + "' is still in progress");
        this.running = running;
    }

    public PowerAction running() {
        return running;
    }
}
