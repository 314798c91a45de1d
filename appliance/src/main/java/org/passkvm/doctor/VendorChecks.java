package org.passkvm.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each GPU vendor's card needs on the host: AMD's firmware package, Intel's GuC/HuC firmware, SR-IOV and GVT-g,
 * NVIDIA's vGPU (detected only: it is licensed hardware and NVIDIA's own host driver). No emulated host has these
 * cards: the checks are proven on recorded trees (see docs/doctor.md).
 */
final class VendorChecks {

    private VendorChecks() {}

    private static final String GPUS = """
            for g in $(gpus); do echo "gpu: $g $(pciid $g) driver=$(driver $g)"; done
            """;
    private static final Pattern KERNEL = Pattern.compile("^(\\d+)\\.(\\d+)");

    static List<Check> all() {
        return List.of(amdFirmware(), intelGuc(), intelSriov(), intelGvt(), nvidiaVgpu());
    }

    private static List<Gpu> of(Output o, String vendor) {
        return Gpu.all(o, "gpu").stream().filter(g -> g.vendor().equals(vendor)).toList();
    }

    private static Check amdFirmware() {
        return new Check("amd-firmware", "AMD GPU firmware (firmware-amd-graphics)",
                "ls /lib/firmware/amdgpu /lib/firmware/radeon | wc -l; dmesg | grep -i -E 'firmware-amd-graphics|(amdgpu|radeon).*firmware'",
                GPUS + """
                for d in amdgpu radeon; do if [ -d $R/lib/firmware/$d ]; then echo "firmware: $d $(ls $R/lib/firmware/$d | wc -l)"; fi; done
                kernellog | grep -i -E 'firmware-amd-graphics|(amdgpu|radeon).*firmware' | head -n 10
                """,
                o -> {
                    List<Gpu> amd = of(o, Gpu.AMD);
                    if (amd.isEmpty()) {
                        return Finding.notApplicable("No AMD GPU on the host");
                    }
                    if (amd.stream().allMatch(g -> g.driver().equals("vfio-pci"))) {
                        return Finding.notApplicable("The AMD GPU is on vfio-pci: the host never loads its firmware (the guest brings "
                                + "its own)");
                    }
                    List<String> complaints = new ArrayList<>(o.linesWith("requires firmware-amd-graphics"));
                    complaints.addAll(o.linesWith("failed to load firmware"));
                    o.text().lines().filter(l -> l.matches("(?i).*(amdgpu|radeon).*direct firmware load.*failed.*")).forEach(complaints::add);
                    boolean files = o.has("firmware");
                    Finding.Fix fix = Finding.Fix.pkg("Install AMD's GPU firmware",
                            "apt install firmware-amd-graphics   (Debian: in the non-free-firmware component; Ubuntu: linux-firmware; "
                                    + "Proxmox: pve-firmware)", "update-initramfs -u", "reboot");
                    if (!complaints.isEmpty()) {
                        return Finding.fail("The kernel could not load the card's firmware: " + complaints.get(0).strip(), fix);
                    }
                    if (!files) {
                        return Finding.fail("No AMD GPU firmware in /lib/firmware (amdgpu/, radeon/): the host's driver cannot "
                                + "start the card", fix);
                    }
                    return Finding.pass("AMD GPU firmware is installed: " + String.join(", ", o.values("firmware")) + " files");
                });
    }

    private static Check intelGuc() {
        return new Check("intel-guc", "Intel GuC/HuC firmware loaded",
                "cat /sys/kernel/debug/dri/*/gt/uc/guc_info /sys/kernel/debug/dri/*/gt/uc/huc_info; cat /sys/module/i915/parameters/enable_guc; dmesg | grep -i -E 'guc|huc'",
                GPUS + """
                f=$R/sys/module/i915/parameters/enable_guc
                if [ -e $f ]; then echo "enable_guc: $(cat $f)"; fi
                if [ -d $R/sys/kernel/debug/dri ]; then echo "debugfs: yes"; else echo "debugfs: no"; fi
                for f in $R/sys/kernel/debug/dri/*/gt/uc/guc_info $R/sys/kernel/debug/dri/*/gt/uc/huc_info; do
                  if [ -e $f ]; then echo "== ${f#$R}"; head -n 4 $f; fi; done
                kernellog | grep -i -E 'guc|huc' | head -n 12
                """,
                o -> {
                    List<Gpu> intel = of(o, Gpu.INTEL).stream().filter(g -> g.driver().equals("i915")).toList();
                    if (intel.isEmpty()) {
                        return Finding.notApplicable(of(o, Gpu.INTEL).isEmpty() ? "No Intel GPU on the host"
                                : "The Intel GPU is not on i915 (" + of(o, Gpu.INTEL).get(0).driver() + ")");
                    }
                    String guc = status(o, "GuC");
                    String huc = status(o, "HuC");
                    boolean hucByLog = !o.linesWith("HuC authenticated").isEmpty() || !o.linesWith("HuC: authenticated").isEmpty();
                    List<String> fetchFailed = o.text().lines().filter(l -> l.matches("(?i).*[gh]uc.*(fetch failed|failed to load|error -2).*")).toList();
                    Finding.Fix firmware = Finding.Fix.pkg("Install Intel's GPU firmware",
                            "apt install firmware-misc-nonfree   (Debian, non-free-firmware; Ubuntu: linux-firmware)", "update-initramfs -u", "reboot");
                    if (guc.equals("RUNNING")) {
                        String hucText = huc.equals("RUNNING") || hucByLog ? "HuC authenticated" : "HuC " + (huc.isEmpty() ? "not reported" : huc);
                        return Finding.pass("GuC " + guc + (version(o, "GuC").isEmpty() ? "" : " (" + version(o, "GuC") + ")") + ", " + hucText);
                    }
                    if (!fetchFailed.isEmpty() || List.of("MISSING", "ERROR", "LOAD FAIL", "INIT FAIL").contains(guc)) {
                        return Finding.fail("The GuC firmware did not load" + (guc.isEmpty() ? "" : " (status " + guc + ")")
                                + (fetchFailed.isEmpty() ? "" : ": " + fetchFailed.get(0).strip()) + ". SR-IOV on Intel GPUs needs GuC", firmware);
                    }
                    if (guc.equals("DISABLED") || guc.equals("N/A") || o.value("enable_guc").equals("0")) {
                        return Finding.warn("GuC is off (enable_guc=" + o.value("enable_guc") + (guc.isEmpty() ? "" : ", status " + guc)
                                + "): SR-IOV on Intel GPUs needs GuC submission, and media encoding needs HuC",
                                Finding.Fix.file("/etc/modprobe.d/i915.conf", false, "Turn GuC submission and HuC loading on",
                                        "In /etc/modprobe.d/i915.conf add the line\n  options i915 enable_guc=3", "update-initramfs -u", "reboot"));
                    }
                    if (o.value("debugfs").equals("no") && o.linesWith("guc").isEmpty()) {
                        return Finding.unknown("No debugfs (mount -t debugfs none /sys/kernel/debug) and no GuC lines in the kernel log");
                    }
                    return Finding.warn("GuC status " + (guc.isEmpty() ? "not reported" : guc) + ": it is not running", firmware);
                });
    }

    /** The "status:" line after "GuC firmware:" (or "HuC firmware:") in the uc_info dump (intel_uc_fw_dump). */
    private static String status(Output o, String which) {
        Matcher m = Pattern.compile("(?m)^" + which + " firmware:.*\\n(?:.*\\n)*?\\s*status: (.+)$").matcher(o.text());
        return m.find() ? m.group(1).strip() : "";
    }

    private static String version(Output o, String which) {
        Matcher m = Pattern.compile("(?m)^" + which + " firmware: (\\S+)").matcher(o.text());
        return m.find() ? m.group(1) : "";
    }

    static boolean inSriovWindow(String kernel) {
        Matcher m = KERNEL.matcher(kernel);
        return m.find() && m.group(1).equals("6") && Integer.parseInt(m.group(2)) >= 1 && Integer.parseInt(m.group(2)) <= 3;
    }

    private static Check intelSriov() {
        return new Check("intel-sriov", "Intel GPU SR-IOV (sriov_totalvfs, kernel 6.1-6.3 needs an out-of-tree i915)",
                "uname -r; cat /sys/bus/pci/devices/GPU/sriov_totalvfs /sys/bus/pci/devices/GPU/sriov_numvfs; ls /lib/modules/$(uname -r)/updates/dkms",
                """
                k=$(cat $R/proc/sys/kernel/osrelease)
                echo "kernel: $k"
                for g in $(gpus); do d=$R/sys/bus/pci/devices/$g
                  echo "gpu: $g $(pciid $g) driver=$(driver $g) totalvfs=$(cat $d/sriov_totalvfs 2>/dev/null || echo none) numvfs=$(cat $d/sriov_numvfs 2>/dev/null || echo none)"; done
                ls $R/lib/modules/$k/updates/dkms 2>/dev/null | grep -E '^i915' | sed 's/^/dkms: /'
                """,
                o -> {
                    List<Gpu> intel = of(o, Gpu.INTEL);
                    if (intel.isEmpty()) {
                        return Finding.notApplicable("No Intel GPU on the host");
                    }
                    Gpu gpu = intel.get(0);
                    String total = gpu.get("totalvfs");
                    if (total.equals("none") || total.equals("0")) {
                        return Finding.notApplicable(gpu + " has no SR-IOV capability: pass it whole, or use GVT-g where it has it");
                    }
                    String kernel = o.value("kernel");
                    if (!gpu.get("numvfs").equals("0") && !gpu.get("numvfs").equals("none")) {
                        return Finding.pass(gpu + ": " + gpu.get("numvfs") + " of " + total + " virtual functions enabled");
                    }
                    if (inSriovWindow(kernel) && !o.has("dkms")) {
                        return Finding.warn(gpu + " can have " + total + " virtual functions, but i915 in Linux " + kernel + " (6.1-6.3) "
                                + "cannot enable them: that needs the out-of-tree i915 SR-IOV module",
                                Finding.Fix.pkg("Build the out-of-tree i915 with SR-IOV (DKMS)",
                                        "apt install build-essential dkms linux-headers-$(uname -r)",
                                        "Install the i915-sriov-dkms module (github.com/strongtz/i915-sriov-dkms) with dkms install",
                                        "Add i915.enable_guc=3 i915.max_vfs=7 to the kernel command line (see the IOMMU check's steps for "
                                                + "this bootloader), reboot",
                                        "Then set the VFs in PassKVM's GPU panel (SR-IOV)"));
                    }
                    return Finding.warn(gpu + " can have " + total + " virtual functions; none are enabled",
                            Finding.Fix.command("Enable virtual functions (PassKVM's GPU panel does this, admin only)",
                                    "echo " + total + " > /sys/bus/pci/devices/" + gpu.address() + "/sriov_numvfs"));
                });
    }

    private static Check intelGvt() {
        return new Check("intel-gvt", "Intel GVT-g (i915.enable_gvt, kvmgt, mdev types)",
                "cat /sys/module/i915/parameters/enable_gvt; ls -d /sys/module/kvmgt; ls /sys/bus/pci/devices/GPU/mdev_supported_types",
                """
                for g in $(gpus); do d=$R/sys/bus/pci/devices/$g
                  echo "gpu: $g $(pciid $g) driver=$(driver $g) totalvfs=$(cat $d/sriov_totalvfs 2>/dev/null || echo none)"
                  for t in $d/mdev_supported_types/*; do if [ -d $t ]; then
                    echo "mdev-type: ${t##*/} mdev available=$(cat $t/available_instances 2>/dev/null) of=$g"; fi; done; done
                f=$R/sys/module/i915/parameters/enable_gvt
                if [ -e $f ]; then echo "enable_gvt: $(cat $f)"; fi
                if [ -d $R/sys/module/kvmgt ]; then echo "kvmgt: loaded"; fi
                bootloader
                """,
                o -> {
                    List<Gpu> intel = of(o, Gpu.INTEL).stream().filter(g -> g.driver().equals("i915")).toList();
                    if (intel.isEmpty()) {
                        return Finding.notApplicable("No Intel GPU on i915 on the host");
                    }
                    Gpu gpu = intel.get(0);
                    List<String> types = Gpu.all(o, "mdev-type").stream().filter(t -> t.get("of").equals(gpu.address()))
                            .filter(t -> t.address().startsWith("i915-GVTg")).map(t -> t.address() + " (" + t.get("available") + " free)").toList();
                    if (!types.isEmpty()) {
                        return Finding.pass("GVT-g is ready on " + gpu + ": " + String.join(", ", types));
                    }
                    if (!gpu.get("totalvfs").equals("none")) {
                        return Finding.notApplicable(gpu + " is a GPU with SR-IOV (gen 12 or later), which has no GVT-g: see intel-sriov");
                    }
                    if (!o.value("enable_gvt").equals("Y")) {
                        return Finding.warn("GVT-g is off (i915.enable_gvt=" + o.value("enable_gvt") + "): it splits Broadwell to Comet "
                                + "Lake GPUs into mediated vGPUs", Cmdline.fix(o, "Turn GVT-g on", "i915.enable_gvt=1"));
                    }
                    if (!o.has("kvmgt")) {
                        return Finding.warn("i915.enable_gvt=Y but kvmgt is not loaded: no vGPU types appear without it",
                                Finding.Fix.command("Load kvmgt now and at every boot", "modprobe kvmgt",
                                        "echo kvmgt >> /etc/modules-load.d/kvmgt.conf"));
                    }
                    return Finding.warn("GVT-g is on and kvmgt loaded, but " + gpu + " offers no mdev types: this GPU generation may "
                            + "not support GVT-g (Broadwell to Comet Lake do)", Finding.Fix.command("Read i915's reason", "dmesg | grep -i gvt"));
                });
    }

    private static Check nvidiaVgpu() {
        return new Check("nvidia-vgpu", "NVIDIA vGPU types (detection only)",
                "ls /sys/bus/pci/devices/GPU/mdev_supported_types; ls -d /sys/module/nvidia_vgpu_vfio",
                """
                for g in $(gpus); do d=$R/sys/bus/pci/devices/$g
                  echo "gpu: $g $(pciid $g) driver=$(driver $g)"
                  for t in $d/mdev_supported_types/*; do if [ -d $t ]; then
                    echo "mdev-type: ${t##*/} mdev available=$(cat $t/available_instances 2>/dev/null) of=$g name=$(cat $t/name 2>/dev/null | tr ' ' '_')"; fi; done; done
                if [ -d $R/sys/module/nvidia_vgpu_vfio ]; then echo "nvidia_vgpu_vfio: loaded"; fi
                """,
                o -> {
                    List<Gpu> nvidia = of(o, Gpu.NVIDIA);
                    if (nvidia.isEmpty()) {
                        return Finding.notApplicable("No NVIDIA GPU on the host");
                    }
                    List<String> types = Gpu.all(o, "mdev-type").stream().filter(t -> t.address().startsWith("nvidia-"))
                            .map(t -> t.address() + " " + t.get("name").replace('_', ' ') + " (" + t.get("available") + " free)").toList();
                    if (!types.isEmpty()) {
                        return Finding.pass("NVIDIA vGPU types: " + String.join(", ", types));
                    }
                    return Finding.notApplicable("No vGPU types on " + nvidia.get(0) + ": NVIDIA vGPU needs a licensed data-centre card "
                            + "and NVIDIA's vGPU host driver; other cards are passed whole (vfio-pci)");
                });
    }
}
