package org.passkvm.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.vm.HostDevices.MdevType;
import org.passkvm.vm.HostDevices.PciFunction;

/** The host's GPUs and PassKVM's own USB gadget as the API shows them, with which VM holds what. */
final class GpuInventory {

    record Member(String address, String name, String product, String classCode, String driver, boolean bridge,
            String heldBy) {}

    record Vf(String id, String address, String driver, String heldBy) {}

    record Sriov(Integer maxVfs, int currentVfs, List<Vf> vfs) {}

    record MdevInstance(String uuid, String heldBy, boolean created) {}

    record MdevTypeView(String id, String name, String deviceApi, int availableInstances, List<MdevInstance> instances) {}

    record Gpu(String id, String address, String vendorId, String vendor, String productId, String product,
            String driver, Integer iommuGroup, List<Member> groupMembers, String heldBy, List<String> methods,
            Sriov sriov, List<MdevTypeView> mdevTypes) {}

    record GadgetPort(String name, int bus, int device) {}

    record Gadget(String usbId, boolean present, List<GadgetPort> devices, List<String> heldBy) {}

    record Report(List<Gpu> gpus, Gadget gadget) {}

    private GpuInventory() {}

    static Report of(HostSnapshot snap, UsbId gadgetId) {
        List<Gpu> gpus = new ArrayList<>();
        for (PciFunction f : snap.devices().gpus()) {
            gpus.add(gpu(snap, f));
        }
        List<GadgetPort> ports = snap.devices().usb().stream().filter(u -> u.id().equals(gadgetId))
                .map(u -> new GadgetPort(u.name(), u.bus(), u.device())).toList();
        return new Report(gpus, new Gadget(gadgetId.toString(), !ports.isEmpty(), ports, snap.usbHolders(gadgetId)));
    }

    private static Gpu gpu(HostSnapshot snap, PciFunction f) {
        List<Member> members = new ArrayList<>();
        for (PciAddress a : f.groupMembers().isEmpty() ? List.of(f.address()) : f.groupMembers()) {
            PciFunction m = snap.devices().pci(a);
            members.add(new Member(a.toString(), a.deviceName(), m == null ? null : m.product(),
                    m == null ? null : String.format("0x%06x", m.classCode()), m == null ? null : m.driver(),
                    m != null && m.bridge(), first(snap.pciHolders(a))));
        }
        List<String> methods = new ArrayList<>(List.of("whole"));
        Sriov sriov = sriov(snap, f);
        if (sriov != null && !sriov.vfs().isEmpty()) {
            methods.add("vf");
        }
        List<MdevTypeView> types = new ArrayList<>();
        for (MdevType t : f.mdevTypes()) {
            types.add(new MdevTypeView(t.id(), t.name(), t.deviceApi(), t.availableInstances(), instances(snap, f, t)));
        }
        if (!types.isEmpty()) {
            methods.add("mdev");
        }
        return new Gpu(f.name(), f.address().toString(), f.vendorId(), f.vendor(), f.productId(), f.product(), f.driver(),
                f.iommuGroup(), members, first(snap.pciHolders(f.address())), methods, sriov, types);
    }

    /** A physical function's SR-IOV side, or null when it has none. */
    static Sriov sriov(HostSnapshot snap, PciFunction f) {
        if (f.maxVfs() == null && f.vfs().isEmpty()) {
            return null;
        }
        List<Vf> vfs = new ArrayList<>();
        for (PciAddress a : f.vfs()) {
            PciFunction vf = snap.devices().pci(a);
            vfs.add(new Vf(a.deviceName(), a.toString(), vf == null ? null : vf.driver(), first(snap.pciHolders(a))));
        }
        return new Sriov(f.maxVfs(), vfs.size(), vfs);
    }

    /** Mediated devices of this type cut from this GPU: those the host lists, and those VMs reference. */
    private static List<MdevInstance> instances(HostSnapshot snap, PciFunction gpu, MdevType type) {
        Map<String, MdevInstance> out = new LinkedHashMap<>();
        snap.devices().mdevs().stream()
                .filter(m -> gpu.name().equals(m.parent()) && type.id().equals(m.type()))
                .forEach(m -> out.put(m.uuid(), new MdevInstance(m.uuid(), first(snap.mdevHolders(m.uuid())), true)));
        snap.definitions().forEach((vm, def) -> def.mdevOrigins().stream()
                .filter(o -> gpu.name().equals(o.parent()) && type.id().equals(o.type()))
                .forEach(o -> out.putIfAbsent(o.uuid(), new MdevInstance(o.uuid(), vm, false))));
        return new ArrayList<>(out.values());
    }

    static String first(List<String> list) {
        return list.isEmpty() ? null : list.get(0);
    }
}
