package org.passkvm.vm;

import java.util.List;

/**
 * The hypervisor host PassKVM steers: its VM definitions, their power, and its devices. The
 * libvirt backend is the real one; routes and planning only see this contract.
 */
public interface VmHost extends AutoCloseable {

    /** Where the host is and whether PassKVM can reach it right now. */
    Link link();

    List<String> domainNames();

    DomainState state(String name);

    /** The persistent definition (what the next start uses), as the host reports it. */
    String definition(String name);

    /**
     * The running VM's definition (what libvirt filled in at start: the VNC port it picked); the persistent one by
     * default, for hosts that do not tell them apart.
     */
    default String liveDefinition(String name) {
        return definition(name);
    }

    /** The XML of every host device with this libvirt capability ("pci", "usb_device", "mdev"). */
    List<String> nodeDevices(String capability);

    /** One node device's XML by libvirt's name for it (e.g. {@code pci_0000_01_00_0}). */
    default String nodeDevice(String name) {
        throw new VmHostException(VmHostException.Kind.UNSUPPORTED, "this host cannot read single devices");
    }

    /**
     * Tells {@code changes} what changes on the host from now on. A host without events says so at once
     * ({@code linkChanged(up, false, false)}), and whoever watches must then read it afresh every time.
     */
    default void watch(HostChanges changes) {
        changes.linkChanged(link().up(), false, false);
    }

    /** Replaces a VM's persistent definition; the host checks it against libvirt's schema first. */
    void define(String domainXml);

    void power(String name, PowerAction action);

    /**
     * Creates a mediated device and starts it (libvirt's node-device define + start, which uses mdevctl on the host);
     * libvirt's name for it.
     */
    default String createMdev(String parentNodeDevice, String type, String uuid) {
        throw new VmHostException(VmHostException.Kind.UNSUPPORTED, "this host cannot create mediated devices");
    }

    /** Stops a mediated device and removes its definition. */
    default void removeMdev(String nodeDevice) {
        throw new VmHostException(VmHostException.Kind.UNSUPPORTED, "this host cannot remove mediated devices");
    }

    /** Plugs a device into a running VM, live and into its persistent definition. */
    default void attach(String vm, String deviceXml) {
        throw new VmHostException(VmHostException.Kind.UNSUPPORTED, "this host cannot plug devices into running VMs");
    }

    /** Unplugs a device from a running VM, live and from its persistent definition. */
    default void detach(String vm, String deviceXml) {
        throw new VmHostException(VmHostException.Kind.UNSUPPORTED, "this host cannot unplug devices from running VMs");
    }

    @Override
    void close();
}
