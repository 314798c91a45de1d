package org.passkvm.doctor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Per GPU: whether its IOMMU group is its own, which driver holds it, and whether vfio-pci can bind it at boot. */
final class GpuChecks {

    private GpuChecks() {}

    /** Modules that bind vfio-pci before a GPU driver can; vfio_virqfd only before Linux 6.2 (merged into vfio then). */
    static final List<String> VFIO_MODULES = List.of("vfio", "vfio_iommu_type1", "vfio_pci");

    static List<Check> all() {
        return List.of(isolation(), driver(), initramfs());
    }

    /**
     * A function belongs to the card when it sits in the card's slot and is display or audio or comes from the card's
     * vendor (an NVIDIA card's USB-C and UCSI functions); bridges in a group are harmless (vfio leaves them to the
     * host). Anything else in the group goes wherever the GPU goes.
     */
    static boolean ofTheCard(Gpu gpu, Gpu member) {
        if (!member.slot().equals(gpu.slot())) {
            return false;
        }
        String cls = member.get("class");
        return cls.startsWith("0x03") || cls.startsWith("0x0403") || member.vendor().equals(gpu.vendor());
    }

    private static Check isolation() {
        return new Check("gpu-isolation", "Each GPU's IOMMU group holds only the card",
                "for each display-class PCI function: readlink /sys/bus/pci/devices/GPU/iommu_group; ls /sys/kernel/iommu_groups/N/devices",
                """
                echo "groups: $(ls $R/sys/kernel/iommu_groups 2>/dev/null | wc -l)"
                for g in $(gpus); do
                  grp=$(readlink $R/sys/bus/pci/devices/$g/iommu_group 2>/dev/null); grp=${grp##*/}
                  echo "gpu: $g $(pciid $g) group=${grp:-none}"
                  if [ -n "$grp" ]; then for m in $R/sys/kernel/iommu_groups/$grp/devices/*; do m=${m##*/}
                    echo "member: $m $(pciid $m) class=$(pciclass $m) driver=$(driver $m) of=$g"; done; fi
                done
                """,
                o -> {
                    List<Gpu> gpus = Gpu.all(o, "gpu");
                    if (gpus.isEmpty()) {
                        return Finding.notApplicable("No display-class PCI device on the host");
                    }
                    if (o.value("groups").equals("0")) {
                        return Finding.notApplicable("No IOMMU groups: see the IOMMU check");
                    }
                    List<String> problems = new ArrayList<>();
                    List<String> fine = new ArrayList<>();
                    for (Gpu gpu : gpus) {
                        List<Gpu> foreign = new ArrayList<>();
                        int members = 0;
                        for (Gpu m : Gpu.all(o, "member")) {
                            if (!m.get("of").equals(gpu.address())) {
                                continue;
                            }
                            members++;
                            if (!ofTheCard(gpu, m) && !m.get("class").startsWith("0x0604")) {
                                foreign.add(m);
                            }
                        }
                        if (foreign.isEmpty()) {
                            fine.add(gpu.address() + ": group " + gpu.get("group") + " holds only the card (" + members + (members == 1 ? " function)" : " functions)"));
                        } else {
                            List<String> names = foreign.stream().map(f -> f.address() + " (" + f.id() + ", class " + f.get("class")
                                    + ", driver " + f.driver() + ")").toList();
                            problems.add(gpu.address() + " shares IOMMU group " + gpu.get("group") + " with " + String.join(", ", names)
                                    + ", which " + (foreign.size() == 1 ? "is" : "are") + " not part of the card");
                        }
                    }
                    if (problems.isEmpty()) {
                        return Finding.pass(String.join("; ", fine));
                    }
                    return Finding.warn(String.join("; ", problems) + ": a group goes to one VM whole, so passing the GPU takes "
                            + "those devices from the host too",
                            new Finding.Fix("hardware", "Give the card a group of its own, or pass the whole group", List.of(
                                    "Move the card to a slot wired to the CPU (its own group), or enable ACS in the firmware setup",
                                    "Or pass every device of the group to the same VM (the host loses them while it runs)",
                                    "Avoid the ACS override patch (pcie_acs_override): it splits groups on paper only, and devices "
                                            + "in them can still reach each other's memory"), null, false));
                });
    }

    private static Check driver() {
        return new Check("gpu-driver", "The driver that holds each GPU, vfio-pci ids and softdeps",
                "readlink /sys/bus/pci/devices/GPU/driver; grep -E 'options vfio.pci|softdep' /etc/modprobe.d/*.conf; cat /proc/cmdline",
                """
                for g in $(gpus); do
                  echo "gpu: $g $(pciid $g) driver=$(driver $g) boot_vga=$(cat $R/sys/bus/pci/devices/$g/boot_vga 2>/dev/null)"
                  for f in $R/sys/bus/pci/devices/${g%.*}.*; do f=${f##*/}; echo "function: $f $(pciid $f) class=$(pciclass $f) driver=$(driver $f) of=$g"; done
                done
                modprobeconf '^[[:space:]]*(options[[:space:]]+vfio[-_]pci|softdep)' | sed 's/^/conf: /'
                echo "cmdline: $(cat $R/proc/cmdline)"
                """,
                o -> {
                    List<Gpu> gpus = Gpu.all(o, "gpu");
                    if (gpus.isEmpty()) {
                        return Finding.notApplicable("No display-class PCI device on the host");
                    }
                    String conf = String.join("\n", o.values("conf")) + " " + o.value("cmdline");
                    List<String> held = new ArrayList<>();
                    List<String> ready = new ArrayList<>();
                    Set<String> ids = new LinkedHashSet<>();
                    Set<String> softdeps = new LinkedHashSet<>();
                    for (Gpu gpu : gpus) {
                        String d = gpu.driver();
                        if (d.equals("vfio-pci")) {
                            ready.add(gpu + " is on vfio-pci, ready to pass");
                        } else if (d.equals("none")) {
                            ready.add(gpu + " has no driver (libvirt binds vfio-pci when a VM starts)");
                        } else if (gpu.get("boot_vga").equals("1")) {
                            ready.add(gpu + " is the host's boot display on " + d + " (it stays with the host)");
                        } else if (conf.contains(gpu.id())) {
                            held.add(gpu + " is held by " + d + "; vfio-pci ids are configured for it, which takes effect after "
                                    + "reboot");
                        } else {
                            held.add(gpu + " is held by the host's " + d);
                            for (Gpu f : Gpu.all(o, "function")) {
                                if (f.get("of").equals(gpu.address()) && GpuChecks.ofTheCard(gpu, f)) {
                                    ids.add(f.id());
                                }
                            }
                            softdeps.add(d.replace('-', '_'));
                        }
                    }
                    if (held.isEmpty()) {
                        return Finding.pass(String.join("; ", ready));
                    }
                    String why = String.join("; ", held) + (ready.isEmpty() ? "" : "; " + String.join("; ", ready)) + ". libvirt unbinds it when a VM starts, but host GPU drivers do not always "
                            + "let go cleanly (a frozen host, a card that needs a reset): binding vfio-pci at boot avoids that. "
                            + "A card the host itself displays on should stay with the host.";
                    if (ids.isEmpty()) {
                        return Finding.warn(why, Finding.Fix.command("Reboot so the configured vfio-pci ids take effect", "reboot"));
                    }
                    List<String> steps = new ArrayList<>();
                    steps.add("In /etc/modprobe.d/vfio.conf add the lines\n  options vfio-pci ids=" + String.join(",", ids)
                            + softdeps.stream().map(s -> "\n  softdep " + s + " pre: vfio-pci").reduce("", String::concat));
                    steps.add("Make sure vfio is in the initramfs (see the vfio-initramfs check), then update-initramfs -u");
                    steps.add("reboot");
                    return Finding.warn(why, Finding.Fix.file("/etc/modprobe.d/vfio.conf", false,
                            "Bind the card to vfio-pci at boot (PassKVM does not apply this: the host loses the card)",
                            steps.toArray(String[]::new)));
                });
    }

    private static Check initramfs() {
        return new Check(Checks.VFIO_INITRAMFS, "vfio modules in the initramfs",
                "cat /etc/initramfs-tools/modules; grep -E '(add|force)_drivers' /etc/dracut.conf.d/*.conf; grep vfio-pci /lib/modules/$(uname -r)/modules.builtin",
                """
                k=$(cat $R/proc/sys/kernel/osrelease)
                echo "kernel: $k"
                echo "gpus: $(gpus | wc -l)"
                grep -s -E '/vfio[-_]pci\\.ko' $R/lib/modules/$k/modules.builtin | sed 's/^/builtin: /'
                if [ -d $R/etc/initramfs-tools ]; then echo "initramfs: initramfs-tools"
                  grep -v -E '^[[:space:]]*(#|$)' $R/etc/initramfs-tools/modules 2>/dev/null | sed 's/^/listed: /'; fi
                if [ -d $R/etc/dracut.conf.d ] || [ -e $R/usr/bin/dracut ]; then echo "initramfs: dracut"
                  grep -H -s -E '(add|force)_drivers' $R/etc/dracut.conf.d/*.conf | sed "s|^$R||;s/^/dracut-conf: /"; fi
                """,
                o -> {
                    if (o.value("gpus").equals("0")) {
                        return Finding.notApplicable("No display-class PCI device on the host");
                    }
                    if (o.has("builtin")) {
                        return Finding.pass("vfio-pci is built into the kernel: it is there before any GPU driver");
                    }
                    List<String> systems = o.values("initramfs");
                    if (systems.contains("initramfs-tools")) {
                        List<String> missing = missing(o.values("listed").stream().map(l -> l.split("\\s+")[0]).toList());
                        if (missing.isEmpty()) {
                            return Finding.pass("/etc/initramfs-tools/modules lists " + String.join(", ", VFIO_MODULES));
                        }
                        return Finding.warn("/etc/initramfs-tools/modules lacks " + String.join(", ", missing) + ": vfio-pci then loads "
                                + "after the GPU's own driver and cannot claim the card at boot",
                                Finding.Fix.file("/etc/initramfs-tools/modules", true, "Add the vfio modules to the initramfs list",
                                        "Add the lines: " + String.join(", ", missing), "update-initramfs -u", "reboot"));
                    }
                    if (systems.contains("dracut")) {
                        String conf = String.join(" ", o.values("dracut-conf"));
                        List<String> missing = missing(List.of(conf.replaceAll("[^A-Za-z0-9_-]", " ").split("\\s+")));
                        if (missing.isEmpty()) {
                            return Finding.pass("dracut's configuration forces " + String.join(", ", VFIO_MODULES) + " into the initramfs");
                        }
                        return Finding.warn("dracut's configuration does not force " + String.join(", ", missing) + " into the initramfs",
                                Finding.Fix.file(FileFixes.DRACUT_FILE, true, "Force the vfio modules into dracut's initramfs",
                                        "Write " + FileFixes.DRACUT_FILE + ": " + FileFixes.DRACUT_LINE.strip(), "dracut -f", "reboot"));
                    }
                    return Finding.notApplicable("Neither initramfs-tools nor dracut is on the host: vfio loads when libvirt needs it");
                });
    }

    /** Which of {@link #VFIO_MODULES} the names lack ("vfio-pci" and "vfio_pci" are one module). */
    static List<String> missing(List<String> names) {
        Set<String> have = new LinkedHashSet<>();
        names.forEach(n -> have.add(n.replace('-', '_')));
        return VFIO_MODULES.stream().filter(m -> !have.contains(m)).toList();
    }
}
