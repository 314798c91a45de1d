package org.passkvm.vm;

/**
 * What the host says has changed, as libvirt's events tell it. Called on libvirt's event thread: a listener only
 * notes what is stale and never calls the host from here.
 */
public interface HostChanges {

    /** A domain was defined, undefined, started, stopped, paused, or had a device plugged in or out. */
    void domainChanged(String name);

    /** A node device appeared, changed or (gone) left the host. */
    void nodeDeviceChanged(String name, boolean gone);

    /**
     * The connection was opened or lost: anything learnt before may be out of date, and events may have been missed.
     * Without events of a kind (a driver that has none: a session daemon has no node devices) what they would have
     * kept current must be read afresh every time.
     */
    void linkChanged(boolean up, boolean domainEvents, boolean deviceEvents);
}
