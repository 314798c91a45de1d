package org.passkvm.vm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything planning and the inventory need, read from the host in one go: each VM's persistent
 * definition and run state, and the host's devices.
 */
record HostSnapshot(Map<String, DomainDefinition> definitions, Map<String, DomainState> states, HostDevices devices) {

    static HostSnapshot read(VmHost host, Map<String, String> driverHints) {
        Map<String, DomainDefinition> defs = new LinkedHashMap<>();
        Map<String, DomainState> states = new LinkedHashMap<>();
        for (String name : host.domainNames()) {
            try {
                defs.put(name, DomainDefinition.parse(host.definition(name)));
                states.put(name, host.state(name));
            } catch (VmHostException e) {
                if (e.kind() != VmHostException.Kind.NOT_FOUND) {
                    throw e;
                }
                // undefined between listing and reading: not there any more
            }
        }
        return new HostSnapshot(defs, states, HostDevices.read(host, driverHints));
    }

    DomainDefinition definition(String vm) {
        DomainDefinition d = definitions.get(vm);
        if (d == null) {
            throw new VmHostException(VmHostException.Kind.NOT_FOUND, "no VM named '" + vm + "'");
        }
        return d;
    }

    DomainState state(String vm) {
        return states.getOrDefault(vm, DomainState.NOSTATE);
    }

    /** The VMs whose definition holds this PCI function. */
    List<String> pciHolders(PciAddress a) {
        return definitions.entrySet().stream().filter(e -> e.getValue().holdsPci(a)).map(Map.Entry::getKey).toList();
    }

    List<String> usbHolders(UsbId id) {
        return definitions.entrySet().stream().filter(e -> e.getValue().holdsUsb(id)).map(Map.Entry::getKey).toList();
    }

    List<String> mdevHolders(String uuid) {
        return definitions.entrySet().stream()
                .filter(e -> e.getValue().hostDevices().stream().anyMatch(h -> h.type().equals("mdev") && h.source().equals(uuid)))
                .map(Map.Entry::getKey).toList();
    }
}
