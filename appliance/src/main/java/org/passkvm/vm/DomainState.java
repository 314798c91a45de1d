package org.passkvm.vm;

/** A VM's run state, as libvirt names them. Only {@link #SHUTOFF} means its devices are free. */
public enum DomainState {
    NOSTATE, RUNNING, BLOCKED, PAUSED, SHUTDOWN, SHUTOFF, CRASHED, PMSUSPENDED;

    /** Holds its devices: anything but shut off or crashed (a crashed domain's process is gone). */
    public boolean active() {
        return this != SHUTOFF && this != CRASHED;
    }

    public String label() {
        return switch (this) {
            case SHUTDOWN -> "shutting-down";
            case SHUTOFF -> "shut-off";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
