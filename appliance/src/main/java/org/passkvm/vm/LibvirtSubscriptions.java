package org.passkvm.vm;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.tinylog.Logger;

/**
 * libvirt's domain and node-device events on one connection, passed on to a {@link HostChanges}. The callbacks are
 * held here as long as the registration lives: JNA would otherwise let them be collected while libvirt still calls
 * them. Events arrive on the {@code libvirt-events} thread.
 */
final class LibvirtSubscriptions {

    private final Pointer conn;
    private final List<Integer> domainIds = new ArrayList<>();
    private final List<Integer> deviceIds = new ArrayList<>();
    private final LibvirtCalls.DomainLifecycle lifecycle;
    private final LibvirtCalls.DomainDevice deviceAdded;
    private final LibvirtCalls.DomainDevice deviceRemoved;
    private final LibvirtCalls.NodeDeviceLifecycle nodeLifecycle;
    private final LibvirtCalls.NodeDeviceUpdate nodeUpdate;

    private LibvirtSubscriptions(Pointer conn, HostChanges to) {
        this.conn = conn;
        lifecycle = (c, dom, event, detail, opaque) -> domain(to, dom);
        deviceAdded = (c, dom, alias, opaque) -> domain(to, dom);
        deviceRemoved = (c, dom, alias, opaque) -> domain(to, dom);
        nodeLifecycle = (c, dev, event, detail, opaque) -> node(to, dev, event == LibvirtCalls.VIR_NODE_DEVICE_EVENT_DELETED);
        nodeUpdate = (c, dev, opaque) -> node(to, dev, false);
    }

    /** Subscribes to the domain and node-device events; a kind the driver cannot deliver is left out. */
    static LibvirtSubscriptions register(Pointer conn, HostChanges to) {
        LibvirtSubscriptions s = new LibvirtSubscriptions(conn, to);
        LibvirtCalls c = LibvirtCalls.C;
        boolean domains = s.domain(c.virConnectDomainEventRegisterAny(conn, null, LibvirtCalls.VIR_DOMAIN_EVENT_ID_LIFECYCLE, s.lifecycle, null, null))
                && s.domain(c.virConnectDomainEventRegisterAny(conn, null, LibvirtCalls.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, s.deviceAdded, null, null))
                && s.domain(c.virConnectDomainEventRegisterAny(conn, null, LibvirtCalls.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, s.deviceRemoved, null, null));
        if (!domains) {
            Logger.info("libvirt domain events not available here ({}): VMs are read afresh for every request",
                    c.virGetLastErrorMessage());
            s.cancelDomains();
        }
        boolean devices = s.device(c.virConnectNodeDeviceEventRegisterAny(conn, null, LibvirtCalls.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE, s.nodeLifecycle, null, null))
                && s.device(c.virConnectNodeDeviceEventRegisterAny(conn, null, LibvirtCalls.VIR_NODE_DEVICE_EVENT_ID_UPDATE, s.nodeUpdate, null, null));
        if (!devices) {
            Logger.info("libvirt node-device events not available here ({}): host devices are read afresh for every request",
                    c.virGetLastErrorMessage());
            s.cancelDevices();
        }
        return s;
    }

    boolean domainEvents() {
        return !domainIds.isEmpty();
    }

    boolean deviceEvents() {
        return !deviceIds.isEmpty();
    }

    /** Takes the registrations back; quietly, since a dead connection has none left anyway. */
    void cancel() {
        cancelDomains();
        cancelDevices();
    }

    private void cancelDomains() {
        domainIds.forEach(id -> LibvirtCalls.C.virConnectDomainEventDeregisterAny(conn, id));
        domainIds.clear();
    }

    private void cancelDevices() {
        deviceIds.forEach(id -> LibvirtCalls.C.virConnectNodeDeviceEventDeregisterAny(conn, id));
        deviceIds.clear();
    }

    private boolean domain(int id) {
        if (id >= 0) {
            domainIds.add(id);
        }
        return id >= 0;
    }

    private boolean device(int id) {
        if (id >= 0) {
            deviceIds.add(id);
        }
        return id >= 0;
    }

    /** Never lets an exception escape into libvirt's C event loop. */
    private static void domain(HostChanges to, Pointer dom) {
        try {
            to.domainChanged(LibvirtCalls.C.virDomainGetName(dom));
        } catch (RuntimeException e) {
            Logger.warn(e, "handling a libvirt domain event");
        }
    }

    private static void node(HostChanges to, Pointer dev, boolean gone) {
        try {
            to.nodeDeviceChanged(LibvirtCalls.C.virNodeDeviceGetName(dev), gone);
        } catch (RuntimeException e) {
            Logger.warn(e, "handling a libvirt node-device event");
        }
    }
}
