package org.passkvm.vm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything planning and the inventory need, read from the host once per request: each VM's
 * persistent definition and run state, and the host's devices. Devices are read only when asked
 * for: they cost a round trip each, and the VM list does not need them.
 */
final class HostSnapshot {

    private final VmHost host;
    private final Map<String, String> driverHints;
    private final PassthroughDevices offered;
    private final Map<String, DomainDefinition> definitions;
    private final Map<String, DomainState> states;
    private HostDevices devices;

    private HostSnapshot(VmHost host, Map<String, String> driverHints, PassthroughDevices offered,
            Map<String, DomainDefinition> definitions, Map<String, DomainState> states) {
        this.host = host;
        this.driverHints = driverHints;
        this.offered = offered;
        this.definitions = definitions;
        this.states = states;
    }

    static HostSnapshot read(VmHost host, Map<String, String> driverHints, PassthroughDevices offered) {
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
        return new HostSnapshot(host, driverHints, offered, defs, states);
    }

    Map<String, DomainDefinition> definitions() {
        return definitions;
    }

    HostDevices devices() {
        if (devices == null) {
            devices = HostDevices.read(host, driverHints);
        }
        return devices;
    }

    /** The whole devices one may move between VMs: GPUs first, then those the user listed, each by address. */
    List<HostDevices.PciFunction> passthrough() {
        return devices().pci().values().stream().filter(offered::offered)
                .sorted(java.util.Comparator.comparing((HostDevices.PciFunction f) -> !f.display())
                        .thenComparing(f -> f.address().toString()))
                .toList();
    }

    PassthroughDevices offered() {
        return offered;
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
