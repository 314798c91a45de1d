package org.passkvm.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.passkvm.vm.HostDevices.MdevParent;
import org.passkvm.vm.HostDevices.MdevType;
import org.passkvm.vm.HostDevices.PciFunction;
import org.passkvm.web.Refusal.Kind;

/**
 * Works out the definition changes for giving a GPU to a VM, taking it away, or changing a VM's
 * display. A device has one holder: whoever held it loses it in the same plan. Pure: reads a
 * snapshot, returns a plan, touches nothing.
 */
final class GpuMoves {

    enum Method { WHOLE, VF, MDEV }

    /**
     * @param vf which virtual function (address or device name) for VF; null picks the first free one
     * @param mdevType the mediated-device type id for MDEV
     * @param primary the GPU becomes the VM's screen: ROM BAR on, emulated display removed
     * @param romFile a vBIOS dump for cards whose ROM cannot be read while the host used them
     * @param usb PassKVM's USB keyboard/mouse moves along to the VM
     */
    record Assignment(String vm, Method method, String vf, String mdevType, boolean primary, String romFile, boolean usb) {}

    private final HostSnapshot snap;
    private final UsbId gadget;
    private final Map<String, DomainDefinition> edited = new LinkedHashMap<>();
    private final Set<String> releasing = new LinkedHashSet<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Plan.MdevChange> mdevChanges = new ArrayList<>();
    private final List<Plan.HotPlug> hotplugs = new ArrayList<>();

    GpuMoves(HostSnapshot snap, UsbId gadget) {
        this.snap = snap;
        this.gadget = gadget;
    }

    static PciFunction gpu(HostSnapshot snap, String id) {
        PciAddress a = pathAddress(id, "GPU");
        PciFunction f = snap.devices().pci(a);
        if (f == null || !snap.offered().offered(f)) {
            throw new VmHostException(Kind.NOT_FOUND, "no GPU at " + a + " on this host, nor a device listed in "
                    + "vm.passthrough_devices (see GET /api/gpus)");
        }
        return f;
    }

    /**
     * An SR-IOV physical function: a GPU, or any other PCI device with SR-IOV (a VF passes through the same way
     * whatever its class).
     */
    static PciFunction sriovPf(HostSnapshot snap, String id) {
        PciAddress a = pathAddress(id, "device");
        PciFunction f = snap.devices().pci(a);
        if (f == null || f.physFunction() != null || (f.maxVfs() == null && f.vfs().isEmpty())) {
            throw new VmHostException(Kind.NOT_FOUND, "no SR-IOV physical function at " + a + " on this host");
        }
        return f;
    }

    /** The PCI address a URL names; one that is not an address names nothing here (404, not 400). */
    private static PciAddress pathAddress(String id, String what) {
        try {
            return PciAddress.parse(id);
        } catch (IllegalArgumentException e) {
            throw new VmHostException(Kind.NOT_FOUND, "no " + what + " '" + id + "': " + e.getMessage());
        }
    }

    Plan assign(PciFunction gpu, Assignment req) {
        snap.definition(req.vm());
        String what;
        switch (req.method()) {
            case WHOLE -> {
                List<PciAddress> functions = wholeDevice(gpu);
                noteOtherMembers(gpu, functions, req.vm());
                give(req.vm(), functions, req.primary() ? new DomainDefinition.Rom(true, req.romFile()) : null);
                if (req.primary() && edit(req.vm()).displayMode() != DisplayMode.NONE) {
                    edit(req.vm()).setDisplay(DisplayMode.NONE);
                }
                what = gpu.label() + " (" + functions.size() + " function" + (functions.size() == 1 ? "" : "s") + " of IOMMU group "
                        + gpu.iommuGroup() + ")";
            }
            case VF -> {
                PciAddress vf = pickVf(gpu, req.vf(), req.vm());
                give(req.vm(), List.of(vf), null);
                what = "virtual function " + vf + " of " + gpu.label();
            }
            case MDEV -> {
                return assignMdev(mdevParent(snap, gpu.name()), req);
            }
            default -> throw new IllegalStateException();
        }
        return finish(req, what);
    }

    /** A mediated device of the requested type cut from this parent (a GPU, or e.g. the kernel's mtty sample). */
    Plan assignMdev(MdevParent parent, Assignment req) {
        snap.definition(req.vm());
        return finish(req, giveMdev(parent, req.vm(), req.mdevType()));
    }

    /** A GPU's node-device name or address, or the node-device name of any other mediated-device parent. */
    static MdevParent mdevParent(HostSnapshot snap, String id) {
        String name = id;
        try {
            name = PciAddress.parse(id).deviceName();
        } catch (IllegalArgumentException notPci) {
            // e.g. mtty_mtty
        }
        for (MdevParent p : snap.devices().mdevParents()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new VmHostException(Kind.NOT_FOUND, "no device '" + id + "' on this host offers mediated devices");
    }

    private Plan finish(Assignment req, String what) {
        if (req.usb()) {
            boolean present = snap.devices().usb().stream().anyMatch(u -> u.id().equals(gadget));
            for (String holder : snap.usbHolders(gadget)) {
                if (!holder.equals(req.vm())) {
                    if (snap.state(holder).active()) {
                        // Keyboard and mouse follow the screen at once: out of the running holder, live and persistent.
                        hotplugs.add(new Plan.HotPlug(holder, false, "USB " + gadget, DomainDefinition.usbHostdevXml(gadget)));
                    } else {
                        edit(holder).removeUsb(gadget);
                        releasing.add(holder);
                    }
                }
            }
            if (!snap.definition(req.vm()).holdsUsb(gadget)) {
                if (snap.state(req.vm()).active() && present) {
                    hotplugs.add(new Plan.HotPlug(req.vm(), true, "USB " + gadget, DomainDefinition.usbHostdevXml(gadget)));
                } else {
                    edit(req.vm()).addUsb(gadget);
                    if (snap.state(req.vm()).active()) {
                        notes.add("PassKVM's USB device (" + gadget + ") is not on the host now: " + req.vm()
                                + " gets it when it next starts");
                    }
                }
            }
        }
        if (snap.state(req.vm()).active() && edited.containsKey(req.vm())) {
            notes.add(req.vm() + " is running: it gets the " + (req.method() == Method.MDEV ? "mediated device" : "device")
                    + " when it next starts" + (hotplugs.stream().anyMatch(h -> h.attach()) ? "; keyboard and mouse now" : ""));
        }
        return plan("give " + what + " to " + req.vm());
    }

    /** Takes one mediated device away from whichever VMs hold it; one PassKVM created is removed from the host too. */
    Plan releaseMdev(MdevParent parent, String mdev) {
        boolean cutHere = snap.devices().mdevs().stream().anyMatch(m -> m.uuid().equals(mdev) && parent.name().equals(m.parent()))
                || snap.definitions().values().stream().flatMap(d -> d.mdevOrigins().stream())
                        .anyMatch(o -> o.uuid().equals(mdev) && parent.name().equals(o.parent()));
        if (!cutHere) {
            throw new VmHostException(Kind.NOT_FOUND, "no mediated device " + mdev + " of " + parent.name());
        }
        releaseMdev(mdev);
        return plan("release mediated device " + mdev);
    }

    private void releaseMdev(String mdev) {
        List<String> holders = snap.mdevHolders(mdev);
        boolean ours = false;
        String parent = null;
        String type = null;
        for (String vm : holders) {
            for (DomainDefinition.MdevOrigin o : snap.definition(vm).mdevOrigins()) {
                if (o.uuid().equals(mdev)) {
                    ours |= o.created();
                    parent = o.parent();
                    type = o.type();
                }
            }
            edit(vm).removeMdev(mdev);
            releasing.add(vm);
        }
        HostDevices.Mdev existing = snap.devices().mdevs().stream().filter(m -> mdev.equals(m.uuid())).findFirst().orElse(null);
        if (ours && existing != null) {
            String p = parent;
            String sysfs = snap.devices().mdevParents().stream().filter(x -> x.name().equals(p)).map(MdevParent::sysfsName)
                    .findFirst().orElse(null);
            mdevChanges.add(new Plan.MdevChange(false, mdev, parent, sysfs, type, existing.name()));
        }
    }

    /** Takes the whole GPU (or one VF, or one mediated device) away from whichever VM holds it. */
    Plan release(PciFunction gpu, String vf, String mdev) {
        String what;
        if (mdev != null) {
            releaseMdev(mdev);
            what = "mediated device " + mdev;
        } else if (vf != null) {
            PciAddress a = vfOf(gpu, vf);
            takeFromAll(List.of(a), null);
            what = "virtual function " + a;
        } else {
            takeFromAll(wholeDevice(gpu), null);
            what = gpu.label();
        }
        return plan("release " + what);
    }

    Plan display(String vm, DisplayMode mode) {
        if (snap.definition(vm).displayMode() == mode) {
            notes.add(vm + " already has display " + mode.label());
            return plan("keep the display of " + vm);
        }
        edit(vm).setDisplay(mode);
        if (snap.state(vm).active()) {
            notes.add(vm + " is running: the new display takes effect when it next starts");
        }
        return plan("set the display of " + vm + " to " + mode.label());
    }

    // ---- steps ----

    /** Every non-bridge function of the GPU's IOMMU group: VFIO can only isolate a whole group. */
    private List<PciAddress> wholeDevice(PciFunction gpu) {
        List<PciAddress> out = new ArrayList<>();
        out.add(gpu.address());
        for (PciAddress a : gpu.groupMembers()) {
            PciFunction f = snap.devices().pci(a);
            if (!a.equals(gpu.address()) && (f == null || !f.bridge())) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Names each group member that is not the GPU's picture or sound, and what passing it means: another device in
     * the group (no ACS isolation between them) or a function on the card that is not display or audio (a USB-C
     * controller on some cards, or anything the board put there) goes to the VM as well and is gone from the host.
     */
    private void noteOtherMembers(PciFunction gpu, List<PciAddress> functions, String vm) {
        for (PciAddress a : functions) {
            PciFunction f = snap.devices().pci(a);
            if (a.equals(gpu.address()) || (f != null && (f.display() || (f.classCode() >> 8) == 0x0403))) {
                continue;
            }
            String name = f == null ? null : f.product() != null && !f.product().isBlank() ? f.product()
                    : "[" + f.vendorId() + ":" + f.productId() + "]";
            String what = f == null ? "a device libvirt does not list" : name + String.format(" (class 0x%06x", f.classCode())
                    + (f.driver() == null ? ")" : ", driver " + f.driver() + ")");
            boolean sameCard = a.domain() == gpu.address().domain() && a.bus() == gpu.address().bus() && a.slot() == gpu.address().slot();
            notes.add("IOMMU group " + gpu.iommuGroup() + " also holds " + a + ", " + what + ", which is "
                    + (sameCard ? "on the GPU's slot but neither display nor audio" : "another device: the group is not isolated")
                    + ": VFIO passes whole groups, so " + vm + " gets it too and the host loses it while " + vm + " runs");
        }
    }

    private void give(String vm, List<PciAddress> functions, DomainDefinition.Rom firstRom) {
        takeFromAll(functions, vm);
        DomainDefinition target = edit(vm);
        for (int i = 0; i < functions.size(); i++) {
            PciAddress f = functions.get(i);
            if (!target.holdsPci(f)) {
                target.addPci(f, i == 0 ? firstRom : null);
            } else if (i == 0 && firstRom != null) {
                // Already there: only the ROM options may change; its guest address stays.
                target.setRom(f, firstRom);
            }
        }
    }

    private void takeFromAll(List<PciAddress> functions, String except) {
        for (PciAddress a : functions) {
            for (String holder : snap.pciHolders(a)) {
                if (!holder.equals(except)) {
                    edit(holder).removePci(a);
                    releasing.add(holder);
                }
            }
        }
    }

    private PciAddress pickVf(PciFunction gpu, String requested, String vm) {
        if (gpu.vfs().isEmpty()) {
            throw new VmHostException(Kind.CONFLICT, gpu.address() + " has no SR-IOV virtual functions enabled"
                    + (gpu.maxVfs() == null ? "" : " (it supports " + gpu.maxVfs() + "; enable them on the host: sriov_numvfs)"));
        }
        if (requested != null && !requested.isBlank()) {
            return vfOf(gpu, requested);
        }
        for (PciAddress a : gpu.vfs()) {
            List<String> holders = snap.pciHolders(a);
            if (holders.isEmpty() || holders.equals(List.of(vm))) {
                return a;
            }
        }
        throw new VmHostException(Kind.CONFLICT, "every virtual function of " + gpu.address() + " is held by a VM; name one to move it");
    }

    private PciAddress vfOf(PciFunction gpu, String vf) {
        PciAddress a;
        try {
            a = PciAddress.parse(vf);
        } catch (IllegalArgumentException e) {
            throw new VmHostException(Kind.INVALID, "vf: " + e.getMessage());
        }
        if (!gpu.vfs().contains(a)) {
            throw new VmHostException(Kind.NOT_FOUND, a + " is not a virtual function of " + gpu.address());
        }
        return a;
    }

    private String giveMdev(MdevParent parent, String vm, String typeId) {
        MdevType type = parent.types().stream().filter(t -> t.id().equals(typeId)).findFirst()
                .orElseThrow(() -> new VmHostException(typeId == null ? Kind.INVALID : Kind.NOT_FOUND,
                        "mdevType must be one of " + parent.types().stream().map(MdevType::id).toList() + " for " + parent.name()));
        // Reuse a created instance of this type that no VM references; else cut a new one.
        String uuid = snap.devices().mdevs().stream()
                .filter(m -> parent.name().equals(m.parent()) && type.id().equals(m.type()) && snap.mdevHolders(m.uuid()).isEmpty())
                .map(HostDevices.Mdev::uuid).findFirst().orElse(null);
        boolean create = uuid == null;
        if (create) {
            if (type.availableInstances() <= 0) {
                throw new VmHostException(Kind.CONFLICT, "no " + type.id() + " instances left on " + parent.name());
            }
            uuid = UUID.randomUUID().toString();
            mdevChanges.add(new Plan.MdevChange(true, uuid, parent.name(), parent.sysfsName(), type.id(), null));
        }
        edit(vm).addMdev(uuid, parent.name(), type.id(), create);
        return "a " + type.id() + " mediated device of " + parent.label();
    }

    private DomainDefinition edit(String vm) {
        return edited.computeIfAbsent(vm, n -> snap.definition(n).copy());
    }

    /** Releasing VMs first, so a failure half way never leaves one device in two definitions. */
    private Plan plan(String summary) {
        List<Plan.Change> changes = new ArrayList<>();
        for (boolean releases : new boolean[] {true, false}) {
            edited.forEach((vm, def) -> {
                if (releasing.contains(vm) == releases) {
                    String before = snap.definition(vm).toXml();
                    String after = def.toXml();
                    if (!before.equals(after)) {
                        changes.add(new Plan.Change(vm, snap.state(vm), releases, before, after));
                    }
                }
            });
        }
        return new Plan(summary, changes, List.copyOf(notes), List.copyOf(mdevChanges), List.copyOf(hotplugs));
    }
}
