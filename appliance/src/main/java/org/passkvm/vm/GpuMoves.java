package org.passkvm.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.passkvm.vm.HostDevices.MdevType;
import org.passkvm.vm.HostDevices.PciFunction;
import org.passkvm.vm.VmHostException.Kind;

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

    GpuMoves(HostSnapshot snap, UsbId gadget) {
        this.snap = snap;
        this.gadget = gadget;
    }

    static PciFunction gpu(HostSnapshot snap, String id) {
        PciAddress a;
        try {
            a = PciAddress.parse(id);
        } catch (IllegalArgumentException e) {
            throw new VmHostException(Kind.NOT_FOUND, "no GPU '" + id + "': " + e.getMessage());
        }
        PciFunction f = snap.devices().pci(a);
        if (f == null || !f.display() || f.physFunction() != null) {
            throw new VmHostException(Kind.NOT_FOUND, "no GPU at " + a + " on this host (see GET /api/gpus)");
        }
        return f;
    }

    /**
     * An SR-IOV physical function: a GPU, or any other PCI device with SR-IOV (a VF passes through the same way
     * whatever its class).
     */
    static PciFunction sriovPf(HostSnapshot snap, String id) {
        PciAddress a;
        try {
            a = PciAddress.parse(id);
        } catch (IllegalArgumentException e) {
            throw new VmHostException(Kind.NOT_FOUND, "no device '" + id + "': " + e.getMessage());
        }
        PciFunction f = snap.devices().pci(a);
        if (f == null || f.physFunction() != null || (f.maxVfs() == null && f.vfs().isEmpty())) {
            throw new VmHostException(Kind.NOT_FOUND, "no SR-IOV physical function at " + a + " on this host");
        }
        return f;
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
            case MDEV -> what = giveMdev(gpu, req.vm(), req.mdevType());
            default -> throw new IllegalStateException();
        }
        if (req.usb()) {
            for (String holder : snap.usbHolders(gadget)) {
                if (!holder.equals(req.vm())) {
                    edit(holder).removeUsb(gadget);
                    releasing.add(holder);
                }
            }
            if (!snap.definition(req.vm()).holdsUsb(gadget)) {
                edit(req.vm()).addUsb(gadget);
            }
        }
        if (snap.state(req.vm()).active()) {
            notes.add(req.vm() + " is running: it gets the device when it next starts");
        }
        return plan("give " + what + " to " + req.vm());
    }

    /** Takes the whole GPU (or one VF, or one mediated device) away from whichever VM holds it. */
    Plan release(PciFunction gpu, String vf, String mdev) {
        String what;
        if (mdev != null) {
            List<String> holders = snap.mdevHolders(mdev);
            holders.forEach(vm -> {
                edit(vm).removeMdev(mdev);
                releasing.add(vm);
            });
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
            String what = f == null ? "a device libvirt does not list" : f.label() + String.format(" (class 0x%06x", f.classCode())
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

    private String giveMdev(PciFunction gpu, String vm, String typeId) {
        MdevType type = gpu.mdevTypes().stream().filter(t -> t.id().equals(typeId)).findFirst()
                .orElseThrow(() -> new VmHostException(typeId == null ? Kind.INVALID : Kind.NOT_FOUND,
                        "mdevType must be one of " + gpu.mdevTypes().stream().map(MdevType::id).toList() + " for " + gpu.address()));
        // Reuse a created instance of this type that no VM references; else cut a new one.
        String uuid = snap.devices().mdevs().stream()
                .filter(m -> gpu.name().equals(m.parent()) && type.id().equals(m.type()) && snap.mdevHolders(m.uuid()).isEmpty())
                .map(HostDevices.Mdev::uuid).findFirst().orElse(null);
        if (uuid == null) {
            if (type.availableInstances() <= 0) {
                throw new VmHostException(Kind.CONFLICT, "no " + type.id() + " instances left on " + gpu.address());
            }
            uuid = UUID.randomUUID().toString();
            notes.add("mediated device " + uuid + " (" + type.id() + ") must exist before " + vm + " starts: "
                    + "virsh nodedev-define/nodedev-start or mdevctl on the host");
        }
        edit(vm).addMdev(uuid, gpu.name(), type.id());
        return "a " + type.id() + " mediated device of " + gpu.label();
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
        return new Plan(summary, changes, notes);
    }
}
