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

    /** @param kind "gpu" for a display controller, "pci" for a device listed in vm.passthrough_devices */
    record Gpu(String id, String kind, String address, String vendorId, String vendor, String productId, String product,
            String driver, Integer iommuGroup, List<Member> groupMembers, String heldBy, List<String> methods,
            Sriov sriov, List<MdevTypeView> mdevTypes) {}

    record GadgetPort(String name, int bus, int device) {}

    record Gadget(String usbId, boolean present, List<GadgetPort> devices, List<String> heldBy) {}

    /** A device that offers mediated devices but is not itself offered whole (e.g. the kernel's mtty sample). */
    record MdevParentView(String id, String label, List<MdevTypeView> types) {}

    record Report(List<Gpu> gpus, List<MdevParentView> mdevParents, Gadget gadget) {}

    private GpuInventory() {}

    static Report of(HostSnapshot snap, UsbId gadgetId) {
        List<Gpu> gpus = new ArrayList<>();
        for (PciFunction f : snap.passthrough()) {
            gpus.add(gpu(snap, f));
        }
        List<String> shown = gpus.stream().map(Gpu::id).toList();
        List<MdevParentView> parents = new ArrayList<>();
        for (HostDevices.MdevParent p : snap.devices().mdevParents()) {
            if (!shown.contains(p.name())) {
                parents.add(new MdevParentView(p.name(), p.label(), types(snap, p.name(), p.types())));
            }
        }
        List<GadgetPort> ports = snap.devices().usb().stream().filter(u -> u.id().equals(gadgetId))
                .map(u -> new GadgetPort(u.name(), u.bus(), u.device())).toList();
        return new Report(gpus, parents, new Gadget(gadgetId.toString(), !ports.isEmpty(), ports, snap.usbHolders(gadgetId)));
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
        List<MdevTypeView> types = types(snap, f.name(), f.mdevTypes());
        if (!types.isEmpty()) {
            methods.add("mdev");
        }
        return new Gpu(f.name(), f.display() ? "gpu" : "pci", f.address().toString(), f.vendorId(), f.vendor(), f.productId(), f.product(), f.driver(),
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

    private static List<MdevTypeView> types(HostSnapshot snap, String parent, List<MdevType> types) {
        List<MdevTypeView> out = new ArrayList<>();
        for (MdevType t : types) {
            out.add(new MdevTypeView(t.id(), t.name(), t.deviceApi(), t.availableInstances(), instances(snap, parent, t)));
        }
        return out;
    }

    /** Mediated devices of this type cut from this parent: those the host lists, and those VMs reference. */
    private static List<MdevInstance> instances(HostSnapshot snap, String parent, MdevType type) {
        Map<String, MdevInstance> out = new LinkedHashMap<>();
        snap.devices().mdevs().stream()
                .filter(m -> parent.equals(m.parent()) && type.id().equals(m.type()))
                .forEach(m -> out.put(m.uuid(), new MdevInstance(m.uuid(), first(snap.mdevHolders(m.uuid())), true)));
        snap.definitions().forEach((vm, def) -> def.mdevOrigins().stream()
                .filter(o -> parent.equals(o.parent()) && type.id().equals(o.type()))
                .forEach(o -> out.putIfAbsent(o.uuid(), new MdevInstance(o.uuid(), vm, false))));
        return new ArrayList<>(out.values());
    }

    static String first(List<String> list) {
        return list.isEmpty() ? null : list.get(0);
    }
}
