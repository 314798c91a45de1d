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

    /** The XML of every host device with this libvirt capability ("pci", "usb_device", "mdev"). */
    List<String> nodeDevices(String capability);

    /** Replaces a VM's persistent definition; the host checks it against libvirt's schema first. */
    void define(String domainXml);

    void power(String name, PowerAction action);

    @Override
    void close();
}
