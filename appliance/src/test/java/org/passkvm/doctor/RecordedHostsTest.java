package org.passkvm.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.Refusal;

/**
 * The doctor on hosts recorded from real machines' files (GPU hardware no emulated host has): each recording says
 * where its shape comes from. The same scripts run here as over SSH, with paths under the recording's folder.
 */
class RecordedHostsTest {

    @TempDir
    Path tmp;

    private Doctor doctor(String recording) throws Exception {
        String text = recording.startsWith("/") ? RecordedHost.resource(recording) : RecordedHost.resource("/doctor/" + recording);
        return new Doctor(RecordedHost.unpack(text, tmp.resolve("host")), Checks.all(), Duration.ofSeconds(20));
    }

    private static Map<String, Survey.Result> byId(Survey.Report r) {
        return r.checks().stream().collect(Collectors.toMap(Survey.Result::id, x -> x));
    }

    @Test
    void recordedAlderLakeWorkstationGuCRunsAndSriovOnKernel61NeedsTheOutOfTreeModule() throws Exception {
        Map<String, Survey.Result> c = byId(doctor(Doctor.DEMO_RECORDING).survey());

        assertThat(c.get("iommu").status()).isEqualTo("pass");
        assertThat(c.get("interrupt-remapping").why()).contains("Enabled IRQ remapping in x2apic mode");
        assertThat(c.get("intel-guc").status()).isEqualTo("pass");
        assertThat(c.get("intel-guc").why()).isEqualTo("GuC RUNNING (i915/tgl_guc_70.bin), HuC authenticated");
        assertThat(c.get("intel-sriov").status()).isEqualTo("warn");
        assertThat(c.get("intel-sriov").why()).contains("can have 7 virtual functions", "6.1-6.3", "out-of-tree");
        assertThat(c.get("intel-gvt").status()).isEqualTo("not-applicable");
        assertThat(c.get("nvidia-vgpu").status()).isEqualTo("not-applicable");
        assertThat(c.get("gpu-driver").status()).isEqualTo("pass");
        assertThat(c.get("gpu-driver").why()).contains("0000:01:00.0 (10de:2684) is on vfio-pci, ready to pass",
                "0000:00:02.0 (8086:4680) is the host's boot display on i915 (it stays with the host)");
        assertThat(c.get("virt-host-validate").status()).isEqualTo("warn");
        assertThat(c.get("kvm-msrs").fix().applicable()).isTrue();
        assertThat(c.get("vfio-initramfs").fix().applicable()).isTrue();
    }

    @Test
    void recordedRadeonWithoutFirmwareFailsWithThePackageAndTheIommuFixIsForSystemdBoot() throws Exception {
        Map<String, Survey.Result> c = byId(doctor("amd-radeon-proxmox.tree").survey());

        assertThat(c.get("amd-firmware").status()).isEqualTo("fail");
        assertThat(c.get("amd-firmware").why()).contains("Radeon kernel modesetting for R600 or later requires firmware-amd-graphics");
        assertThat(c.get("amd-firmware").fix().kind()).isEqualTo("package");
        assertThat(c.get("amd-firmware").fix().steps().get(0)).startsWith("apt install firmware-amd-graphics");
        Survey.Result iommu = c.get("iommu");
        assertThat(iommu.status()).isEqualTo("fail");
        assertThat(iommu.fix().kind()).isEqualTo("kernel-cmdline");
        assertThat(iommu.fix().steps()).containsExactly(
                "In /etc/kernel/cmdline (one line; systemd-boot, as Proxmox uses it) change\n  root=ZFS=rpool/ROOT/pve-1 boot=zfs\nto\n"
                        + "  root=ZFS=rpool/ROOT/pve-1 boot=zfs amd_iommu=on iommu=pt",
                "proxmox-boot-tool refresh", "reboot", "Check: cat /proc/cmdline shows amd_iommu=on iommu=pt");
        assertThat(c.get("kvm-msrs").status()).isEqualTo("pass");
        assertThat(c.get("vfio-initramfs").status()).isEqualTo("pass");
        assertThat(c.get("gpu-isolation").status()).isEqualTo("not-applicable");
        assertThat(c.get("interrupt-remapping").status()).isEqualTo("not-applicable");
    }

    @Test
    void recordedCometLakeGvtgIsReadyButGucMissingAndTheT4OffersVgpuTypes() throws Exception {
        Map<String, Survey.Result> c = byId(doctor("intel-gvt-nvidia-vgpu-fedora.tree").survey());

        assertThat(c.get("intel-gvt").status()).isEqualTo("pass");
        assertThat(c.get("intel-gvt").why()).contains("i915-GVTg_V5_4 (1 free)", "i915-GVTg_V5_8 (2 free)");
        assertThat(c.get("intel-guc").status()).isEqualTo("fail");
        assertThat(c.get("intel-guc").why()).contains("status MISSING", "kbl_guc_70.1.1.bin failed with error -2");
        assertThat(c.get("intel-guc").fix().steps().get(0)).startsWith("apt install firmware-misc-nonfree");
        assertThat(c.get("nvidia-vgpu").status()).isEqualTo("pass");
        assertThat(c.get("nvidia-vgpu").why()).contains("nvidia-222 GRID T4-1B (16 free)", "nvidia-230 GRID T4-4Q (4 free)");
        assertThat(c.get("intel-sriov").status()).isEqualTo("not-applicable");
        assertThat(c.get("gpu-driver").why()).startsWith("0000:02:00.0 (10de:1eb8) is held by the host's nvidia");
        assertThat(c.get("gpu-driver").fix().steps().get(0)).isEqualTo(
                "In /etc/modprobe.d/vfio.conf add the lines\n  options vfio-pci ids=10de:1eb8\n  softdep nvidia pre: vfio-pci");
        assertThat(c.get("gpu-driver").fix().applicable()).isFalse();
        assertThat(c.get("vfio-initramfs").status()).isEqualTo("warn");
        assertThat(c.get("vfio-initramfs").fix().file()).isEqualTo(FileFixes.DRACUT_FILE);
    }

    @Test
    void recordedArm64HostGetsTheVirtioGpuAdviceAndNoX86Checks() throws Exception {
        Map<String, Survey.Result> c = byId(doctor("arm64-altra.tree").survey());

        assertThat(c.get("arm64-display").status()).isEqualTo("warn");
        assertThat(c.get("arm64-display").why()).contains("virtio-gpu is the display to use");
        assertThat(c.get("kvm-msrs").status()).isEqualTo("not-applicable");
        assertThat(c.get("cpu-virtualization").status()).isEqualTo("not-applicable");
        assertThat(c.get("kvm").status()).isEqualTo("pass");
        assertThat(c.get("iommu").status()).isEqualTo("pass");
    }

    @Test
    void recordedIgnoreMsrsFixShowsTheDiffThenWritesTheLineAndTheCheckReadsConfigured() throws Exception {
        Doctor d = doctor(Doctor.DEMO_RECORDING);
        FileFixes.Plan plan = d.plan(Checks.KVM_MSRS);
        assertThat(plan.diff()).startsWith("--- a/etc/modprobe.d/kvm.conf\n+++ b/etc/modprobe.d/kvm.conf\n")
                .contains("+options kvm ignore_msrs=1 report_ignored_msrs=0\n");

        assertThatThrownBy(() -> d.apply(Checks.KVM_MSRS, false, null, false)).isInstanceOf(Refusal.class)
                .hasMessageContaining("confirm: true is required");
        assertThatThrownBy(() -> d.apply(Checks.KVM_MSRS, true, "0".repeat(64), false))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.kind()).isEqualTo(Refusal.Kind.CONFLICT));
        Doctor.Applied applied = d.apply(Checks.KVM_MSRS, true, plan.digest(), false);

        assertThat(applied.diff()).isEqualTo(plan.diff());
        assertThat(Files.readString(tmp.resolve("host/etc/modprobe.d/kvm.conf"))).endsWith("options kvm ignore_msrs=1 report_ignored_msrs=0\n");
        Survey.Result after = byId(d.survey()).get(Checks.KVM_MSRS);
        assertThat(after.status()).isEqualTo("warn");
        assertThat(after.why()).startsWith("ignore_msrs: configured, takes effect after reload/reboot");
        assertThatThrownBy(() -> d.plan(Checks.KVM_MSRS)).hasMessageStartingWith("ignore_msrs is already configured");
    }

    @Test
    void recordedInitramfsFixAddsTheVfioModulesAndCanRunUpdateInitramfs() throws Exception {
        Doctor d = doctor(Doctor.DEMO_RECORDING);
        String before = Files.readString(tmp.resolve("host/etc/initramfs-tools/modules"));

        Doctor.Applied applied = d.apply(Checks.VFIO_INITRAMFS, true, null, true);

        assertThat(applied.diff()).contains("+vfio\n+vfio_iommu_type1\n+vfio_pci\n");
        assertThat(Files.readString(tmp.resolve("host/etc/initramfs-tools/modules"))).startsWith(before).endsWith("vfio\nvfio_iommu_type1\nvfio_pci\n");
        assertThat(applied.initramfs()).startsWith("update-initramfs: Generating /boot/initrd.img-6.1.0-27-amd64");
        assertThat(applied.then()).containsExactly("reboot");
        assertThat(byId(d.survey()).get(Checks.VFIO_INITRAMFS).status()).isEqualTo("pass");
    }

    @Test
    void recordedDracutHostGetsItsOwnFileForTheVfioModules() throws Exception {
        Doctor d = doctor("intel-gvt-nvidia-vgpu-fedora.tree");
        d.apply(Checks.VFIO_INITRAMFS, true, null, false);
        assertThat(Files.readString(tmp.resolve("host" + FileFixes.DRACUT_FILE))).endsWith(FileFixes.DRACUT_LINE);
        assertThat(byId(d.survey()).get(Checks.VFIO_INITRAMFS).status()).isEqualTo("pass");
    }

    @Test
    void aCheckWithoutAFileFixAndAnUnknownCheckAreRefused() throws Exception {
        Doctor d = doctor(Doctor.DEMO_RECORDING);
        assertThatThrownBy(() -> d.plan("iommu")).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.kind()).isEqualTo(Refusal.Kind.NOT_FOUND)).hasMessage("check iommu has no fix PassKVM applies itself");
        assertThatThrownBy(() -> d.plan("../../etc/passwd")).hasMessage("no check ../../etc/passwd");
    }
}
