package org.passkvm.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * The doctor's fixed set of checks, in the order the console shows them: the CPU and KVM, the IOMMU, each GPU's
 * group, driver and early binding, the KVM MSR options, the GPU vendors' own needs, libvirt's verdicts, and the arm64
 * display advice. The set never changes at run time; nothing in a script comes from a request.
 */
final class Checks {

    private Checks() {}

    static final String KVM_MSRS = "kvm-msrs";
    static final String VFIO_INITRAMFS = "vfio-initramfs";

    static List<Check> all() {
        List<Check> all = new ArrayList<>(List.of(cpuVirtualization(), kvm(), iommu(), interruptRemapping()));
        all.addAll(GpuChecks.all());
        all.add(kvmMsrs());
        all.addAll(VendorChecks.all());
        all.add(libvirtValidate());
        all.add(arm64Display());
        return List.copyOf(all);
    }

    static boolean arm64(Output o) {
        return o.value("arch").equals("aarch64");
    }

    private static Check cpuVirtualization() {
        return new Check("cpu-virtualization", "CPU virtualization extensions (VT-x / AMD-V)",
                "uname -m; grep -m1 -o -w -E 'vmx|svm' /proc/cpuinfo",
                """
                echo "arch: $(arch)"
                echo "flags: $(grep -m1 -o -w -E 'vmx|svm' $R/proc/cpuinfo | sort -u | tr '\\n' ' ')"
                """,
                o -> {
                    if (arm64(o)) {
                        return Finding.notApplicable("arm64 CPUs have no vmx/svm flag; see the /dev/kvm check");
                    }
                    String flags = o.value("flags");
                    if (!flags.isEmpty()) {
                        return Finding.pass("The CPU offers " + (flags.contains("vmx") ? "Intel VT-x (vmx)" : "AMD-V (svm)"));
                    }
                    return Finding.fail("The CPU shows neither vmx (Intel VT-x) nor svm (AMD-V): without them KVM cannot run "
                            + "guests at full speed, and passthrough needs KVM",
                            new Finding.Fix("firmware", "Switch virtualization on in the firmware setup", List.of(
                                    "Reboot into the firmware (UEFI/BIOS) setup",
                                    "Enable \"Intel Virtualization Technology\" (VT-x) or \"SVM Mode\" (AMD)",
                                    "Save and boot; then grep -c -w -E 'vmx|svm' /proc/cpuinfo is more than 0"), null, false));
                });
    }

    private static Check kvm() {
        return new Check("kvm", "/dev/kvm and the kvm modules",
                "ls -l /dev/kvm; ls -d /sys/module/kvm /sys/module/kvm_intel /sys/module/kvm_amd",
                """
                if [ -e $R/dev/kvm ]; then echo "dev-kvm: present"; else echo "dev-kvm: missing"; fi
                for m in kvm kvm_intel kvm_amd; do if [ -d $R/sys/module/$m ]; then echo "module: $m"; fi; done
                echo "arch: $(arch)"
                echo "vendor: $(grep -m1 -o -E 'GenuineIntel|AuthenticAMD' $R/proc/cpuinfo)"
                """,
                o -> {
                    List<String> modules = o.values("module");
                    if (o.value("dev-kvm").equals("present")) {
                        return Finding.pass("/dev/kvm is there" + (modules.isEmpty() ? "" : " (modules: " + String.join(", ", modules) + ")"));
                    }
                    String module = o.value("vendor").equals("AuthenticAMD") ? "kvm_amd" : "kvm_intel";
                    if (arm64(o)) {
                        return Finding.fail("/dev/kvm is missing: the kernel runs without KVM (booted at EL1, or KVM is off)",
                                new Finding.Fix("firmware", "Boot the kernel at EL2 (hypervisor mode) with KVM built in", List.of(
                                        "Check the kernel log: dmesg | grep -i kvm", "reboot with the firmware handing over at EL2"), null, false));
                    }
                    return Finding.fail("/dev/kvm is missing" + (modules.contains("kvm") ? ": kvm is loaded but not " + module
                            + ", which refuses to load when the CPU's virtualization is off or absent" : " and no kvm module is loaded"),
                            Finding.Fix.command("Load " + module + "; if it refuses, switch virtualization on in the firmware setup",
                                    "modprobe " + module, "dmesg | tail (\"disabled by bios\" means the firmware setup)",
                                    "ls -l /dev/kvm"));
                });
    }

    private static Check iommu() {
        return new Check("iommu", "IOMMU on (DMAR / AMD-Vi), groups present",
                "cat /proc/cmdline; ls /sys/class/iommu; ls /sys/kernel/iommu_groups | wc -l; dmesg | grep -i -E 'DMAR|AMD-Vi|IOMMU|SMMU'",
                """
                echo "arch: $(arch)"
                echo "vendor: $(grep -m1 -o -E 'GenuineIntel|AuthenticAMD' $R/proc/cpuinfo)"
                echo "iommu-units: $(ls $R/sys/class/iommu 2>/dev/null | tr '\\n' ' ')"
                echo "groups: $(ls $R/sys/kernel/iommu_groups 2>/dev/null | wc -l)"
                bootloader
                kernellog | grep -i -E 'DMAR|AMD-Vi|IOMMU|SMMU' | head -n 20
                """,
                o -> {
                    int groups = Integer.parseInt(o.value("groups").isEmpty() ? "0" : o.value("groups"));
                    boolean amd = amdIommu(o);
                    if (groups > 0) {
                        String params = Cmdline.has(o, "iommu=pt") ? ", passthrough mode (iommu=pt)" : "";
                        return Finding.pass("The IOMMU is on: " + groups + " IOMMU groups" + (o.value("iommu-units").isEmpty() ? ""
                                : " (units: " + o.value("iommu-units") + ")") + params);
                    }
                    if (arm64(o)) {
                        return Finding.fail("No IOMMU groups: the SMMU is off or missing",
                                Cmdline.fix(o, "Switch the SMMU on", "iommu.passthrough=1"));
                    }
                    String why = "No IOMMU groups: without an IOMMU no device can be passed through";
                    if (Cmdline.has(o, "intel_iommu=off") || Cmdline.has(o, "amd_iommu=off")) {
                        why += " (the kernel command line switches it off)";
                    } else if (!amd) {
                        why += " (Intel's IOMMU (VT-d) stays off unless the kernel is told intel_iommu=on; VT-d must also be on in "
                                + "the firmware setup)";
                    } else {
                        why += " (AMD-Vi is on by default: check that IOMMU/AMD-Vi is enabled in the firmware setup)";
                    }
                    return Finding.fail(why, amd ? Cmdline.fix(o, "Switch the IOMMU on", "amd_iommu=on", "iommu=pt")
                            : Cmdline.fix(o, "Switch the IOMMU on", "intel_iommu=on", "iommu=pt"));
                });
    }

    /**
     * Whose IOMMU the host has: the firmware's table says (DMAR: Intel VT-d; IVRS / AMD-Vi: AMD), or a vendor
     * parameter already on the command line; the CPU's vendor only when neither does (an emulated CPU can claim AMD
     * on a machine with an Intel IOMMU).
     */
    static boolean amdIommu(Output o) {
        String cmdline = o.value("cmdline");
        if (cmdline.contains("intel_iommu=") || !o.linesWith("DMAR").isEmpty()) {
            return false;
        }
        if (cmdline.contains("amd_iommu=") || !o.linesWith("AMD-Vi").isEmpty() || !o.linesWith("IVRS").isEmpty()) {
            return true;
        }
        return o.value("vendor").equals("AuthenticAMD");
    }

    private static Check interruptRemapping() {
        return new Check("interrupt-remapping", "Interrupt remapping",
                "ls /sys/kernel/iommu_groups | wc -l; dmesg | grep -i -E 'remapping|x2apic'",
                """
                echo "arch: $(arch)"
                echo "groups: $(ls $R/sys/kernel/iommu_groups 2>/dev/null | wc -l)"
                f=$R/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
                if [ -e $f ]; then echo "allow-unsafe-interrupts: $(cat $f)"; fi
                kernellog | grep -i -E 'remapping|x2apic' | head -n 10
                """,
                o -> {
                    if (arm64(o)) {
                        return Finding.notApplicable("arm64 isolates MSIs in the GIC's ITS, not with x86 interrupt remapping");
                    }
                    if (o.value("groups").equals("0") || o.value("groups").isEmpty()) {
                        return Finding.notApplicable("No IOMMU: see the IOMMU check");
                    }
                    List<String> on = new ArrayList<>(o.linesWith("Enabled IRQ remapping"));
                    on.addAll(o.linesWith("Interrupt remapping enabled"));
                    if (!on.isEmpty()) {
                        return Finding.pass("Interrupt remapping is on: " + on.get(0).replaceFirst("^\\[[^]]*\\]\\s*", ""));
                    }
                    Finding.Fix fix = new Finding.Fix("firmware", "Enable interrupt remapping", List.of(
                            "In the firmware setup enable VT-d / AMD-Vi fully and x2APIC",
                            "Last resort, unsafe (a guest can forge interrupts): options vfio_iommu_type1 allow_unsafe_interrupts=1 "
                                    + "in /etc/modprobe.d/vfio.conf, then reboot"), null, false);
                    return Finding.warn("No kernel log line says interrupt remapping is on (or the log no longer holds the boot): "
                            + "without it vfio refuses to assign devices unless unsafe interrupts are allowed", fix);
                });
    }

    private static Check kvmMsrs() {
        return new Check(KVM_MSRS, "kvm ignore_msrs / report_ignored_msrs (Windows guests)",
                "cat /sys/module/kvm/parameters/{ignore_msrs,report_ignored_msrs}; grep -E '^options kvm ' /etc/modprobe.d/*.conf",
                """
                echo "arch: $(arch)"
                for p in ignore_msrs report_ignored_msrs; do f=$R/sys/module/kvm/parameters/$p; if [ -e $f ]; then echo "live-$p: $(cat $f)"; fi; done
                modprobeconf '^[[:space:]]*options[[:space:]]+kvm[[:space:]]' | sed 's/^/conf: /'
                """,
                o -> {
                    if (arm64(o)) {
                        return Finding.notApplicable("MSRs are x86 registers");
                    }
                    boolean configured = o.values("conf").stream().anyMatch(l -> l.matches(".*\\bignore_msrs=(1|Y|y)\\b.*"));
                    boolean live = o.value("live-ignore_msrs").equals("Y");
                    boolean quiet = o.values("conf").stream().anyMatch(l -> l.matches(".*\\breport_ignored_msrs=(0|N|n)\\b.*"));
                    String liveText = o.has("live-ignore_msrs") ? "live: ignore_msrs=" + o.value("live-ignore_msrs")
                            + ", report_ignored_msrs=" + o.value("live-report_ignored_msrs") : "kvm is not loaded";
                    if (configured && live) {
                        return Finding.pass("ignore_msrs is on and configured for next boot" + (quiet ? "" : "; report_ignored_msrs=0 "
                                + "would keep the kernel log quiet"));
                    }
                    if (configured) {
                        return Finding.warn("ignore_msrs: configured, takes effect after reload/reboot (" + liveText + ")",
                                Finding.Fix.command("Reboot, or reload kvm with no VM running",
                                        "modprobe -r kvm_intel kvm && modprobe kvm_intel   (kvm_amd on AMD)",
                                        "cat /sys/module/kvm/parameters/ignore_msrs   (Y)"));
                    }
                    String why = "ignore_msrs is not configured (" + liveText + (live ? ", so it is lost at the next boot" : "")
                            + "): Windows guests can stop with SYSTEM THREAD EXCEPTION NOT HANDLED when they read an MSR KVM does "
                            + "not emulate; ignore_msrs=1 makes KVM ignore it, report_ignored_msrs=0 keeps the log quiet";
                    return Finding.warn(why, Finding.Fix.file("/etc/modprobe.d/kvm.conf", true,
                            "Add options kvm ignore_msrs=1 report_ignored_msrs=0 to /etc/modprobe.d/kvm.conf",
                            "Add the line: options kvm ignore_msrs=1 report_ignored_msrs=0", "update-initramfs -u (kvm may load from it)",
                            "reboot"));
                });
    }

    private static Check libvirtValidate() {
        return new Check("virt-host-validate", "libvirt's own verdicts (virt-host-validate qemu)", "virt-host-validate qemu",
                """
                validate
                echo "exit: $?"
                """,
                o -> {
                    if (o.value("exit").equals("127")) {
                        return Finding.warn("virt-host-validate is not installed on the host",
                                Finding.Fix.pkg("Install libvirt's client tools", "apt install libvirt-clients   (Debian, Ubuntu, Proxmox)"));
                    }
                    List<String> fails = o.text().lines().filter(l -> l.matches(".*:\\s*FAIL\\b.*")).map(String::strip).toList();
                    List<String> warns = o.text().lines().filter(l -> l.matches(".*:\\s*WARN\\b.*")).map(String::strip).toList();
                    long passes = o.text().lines().filter(l -> l.matches(".*:\\s*PASS\\s*$")).count();
                    if (!fails.isEmpty()) {
                        return Finding.fail(passes + " passed, " + fails.size() + " failed: " + String.join("; ", tidy(fails)),
                                Finding.Fix.command("Follow libvirt's advice in each failed line", "virt-host-validate qemu"));
                    }
                    if (!warns.isEmpty()) {
                        return Finding.warn(passes + " passed, " + warns.size() + " warned: " + String.join("; ", tidy(warns)),
                                Finding.Fix.command("Follow libvirt's advice in each warning", "virt-host-validate qemu"));
                    }
                    return passes > 0 ? Finding.pass("All " + passes + " of libvirt's QEMU checks pass")
                            : Finding.unknown("virt-host-validate printed no verdicts");
                });
    }

    /** "QEMU: Checking for X      : FAIL (why)" without the padding. */
    private static List<String> tidy(List<String> lines) {
        return lines.stream().map(l -> l.replaceFirst("^QEMU:\\s*", "").replaceAll("\\s{2,}", " ")).toList();
    }

    private static Check arm64Display() {
        return new Check("arm64-display", "arm64: virtio-gpu for VM displays", "uname -m",
                """
                echo "arch: $(arch)"
                """,
                o -> {
                    if (!arm64(o)) {
                        return Finding.notApplicable("The host is " + (o.value("arch").isEmpty() ? "not arm64" : o.value("arch")));
                    }
                    return Finding.warn("On arm64 the legacy VGA framebuffer (VGA, bochs, cirrus) is trouble: the guest maps it "
                            + "uncached while QEMU does not, so the screen shows garbage or nothing; virtio-gpu is the display to use",
                            Finding.Fix.command("Give each VM a virtio-gpu display (no VGA device)",
                                    "virt-xml VM --edit --video model.type=virtio   (or in virsh edit: <video><model type='virtio' "
                                            + "heads='1' primary='yes'/></video>)"));
                });
    }
}
