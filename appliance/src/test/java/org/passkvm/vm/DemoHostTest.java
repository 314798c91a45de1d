package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Await;

/** Inventory, power and moves against libvirt's test driver loaded with the shipped demo host. */
class DemoHostTest {

    @TempDir
    Path dataDir;

    private VmControl control;
    private RecordingHost recorder;

    @BeforeEach
    void connect() throws Exception {
        LibvirtHost host = new LibvirtHost(DemoHost.install(dataDir), 5, Duration.ofSeconds(1));
        assertThat(host.awaitConnected(Duration.ofSeconds(10))).as(host.link().detail()).isTrue();
        recorder = new RecordingHost(host, null);
        control = new VmControl(recorder, new VmControl.Settings(UsbId.parse("1d6b:0104"), true, Duration.ofSeconds(5)),
                DemoHost.driverHints());
    }

    @AfterEach
    void close() throws Exception {
        control.close();
        XmlValidator.requireTools();
        for (String xml : recorder.defined) {
            XmlValidator.assertValidDomain(xml);
        }
    }

    @Test
    void listsTheDemoVmsWithStateCpusMemoryAndDevices() {
        List<VmControl.Vm> vms = control.vms();
        assertThat(vms).extracting(VmControl.Vm::name).containsExactly("gaming", "homelab", "workstation");
        VmControl.Vm gaming = vms.get(0);
        assertThat(gaming.state()).isEqualTo("running");
        assertThat(gaming.uuid()).isEqualTo("6f1c2a9e-4d0b-4c55-9a4e-2b7f0c1d9e01");
        assertThat(gaming.vcpus()).isEqualTo(8);
        assertThat(gaming.memoryMiB()).isEqualTo(16 * 1024);
        assertThat(gaming.hostDevices()).extracting(DomainDefinition.HostDevice::source)
                .containsExactly("0000:01:00.0", "0000:01:00.1", "1d6b:0104");
        assertThat(gaming.displayMode()).isEqualTo("none");
        assertThat(vms.get(1).displayMode()).isEqualTo("qxl-spice");
        assertThat(vms.get(2).state()).isEqualTo("shut-off");
        assertThat(vms.get(2).displayMode()).isEqualTo("virtio");
    }

    @Test
    void listsTheNvidiaGpuWithItsAudioFunctionAndTheIgpuWithVfsAndMdevTypes() {
        GpuInventory.Report report = control.gpus();
        assertThat(report.gpus()).extracting(GpuInventory.Gpu::address).containsExactly("0000:00:02.0", "0000:01:00.0");
        GpuInventory.Gpu nvidia = report.gpus().get(1);
        assertThat(nvidia.vendorId()).isEqualTo("0x10de");
        assertThat(nvidia.product()).contains("RTX 4090");
        assertThat(nvidia.driver()).isEqualTo("vfio-pci");
        assertThat(nvidia.iommuGroup()).isEqualTo(14);
        assertThat(nvidia.groupMembers()).extracting(GpuInventory.Member::address).containsExactly("0000:01:00.0", "0000:01:00.1");
        assertThat(nvidia.groupMembers().get(1).product()).contains("Audio");
        assertThat(nvidia.heldBy()).isEqualTo("gaming");
        assertThat(nvidia.methods()).containsExactly("whole");

        GpuInventory.Gpu intel = report.gpus().get(0);
        assertThat(intel.driver()).isEqualTo("i915");
        assertThat(intel.heldBy()).isNull();
        assertThat(intel.methods()).containsExactly("whole", "vf", "mdev");
        assertThat(intel.sriov().maxVfs()).isEqualTo(7);
        assertThat(intel.sriov().currentVfs()).isEqualTo(2);
        assertThat(intel.sriov().vfs()).extracting(GpuInventory.Vf::heldBy).containsExactly("homelab", null);
        assertThat(intel.mdevTypes()).extracting(GpuInventory.MdevTypeView::id).containsExactly("i915-GVTg_V5_4", "i915-GVTg_V5_8");
        assertThat(intel.mdevTypes().get(0).availableInstances()).isEqualTo(2);

        assertThat(report.gadget().present()).isTrue();
        assertThat(report.gadget().heldBy()).containsExactly("gaming");
    }

    @Test
    void powerActionsChangeTheVmState() {
        control.power("workstation", PowerAction.START);
        assertThat(control.vm("workstation").state()).isEqualTo("running");
        control.power("workstation", PowerAction.REBOOT);
        control.power("workstation", PowerAction.RESET);
        assertThat(control.vm("workstation").state()).isEqualTo("running");
        control.power("workstation", PowerAction.DESTROY);
        assertThat(control.vm("workstation").state()).isEqualTo("shut-off");
        assertThatThrownBy(() -> control.power("workstation", PowerAction.DESTROY))
                .isInstanceOfSatisfying(VmHostException.class, e -> assertThat(e.kind()).isEqualTo(VmHostException.Kind.CONFLICT));
        assertThatThrownBy(() -> control.power("nope", PowerAction.START))
                .isInstanceOfSatisfying(VmHostException.class, e -> assertThat(e.kind()).isEqualTo(VmHostException.Kind.NOT_FOUND));
    }

    @Test
    void gracefulShutdownFinishesAsAJob() throws Exception {
        VmJobs.Job job = control.shutdown("homelab", Duration.ofSeconds(5), false);
        assertThat(awaitDone(job.status().id()).state()).isEqualTo("done");
        assertThat(control.vm("homelab").state()).isEqualTo("shut-off");
    }

    @Test
    void movingTheGpuAwayFromARunningVmIsRefusedWithAClearMessage() {
        var a = new GpuMoves.Assignment("workstation", GpuMoves.Method.WHOLE, null, null, true, null, true);
        assertThatThrownBy(() -> control.apply(c -> c.planAssign("0000:01:00.0", a)))
                .isInstanceOfSatisfying(VmHostException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VmHostException.Kind.CONFLICT);
                    assertThat(e.getMessage()).contains("gaming is running");
                });
        assertThat(control.vm("gaming").hostDevices()).hasSize(3);
    }

    @Test
    void movesTheGpuByRedefiningBothVmsOnceTheHolderIsOff() throws Exception {
        var a = new GpuMoves.Assignment("workstation", GpuMoves.Method.WHOLE, null, null, true, null, true);
        VmJobs.Job job = control.applyAfterShutdown(c -> c.planAssign("pci_0000_01_00_0", a), Duration.ofSeconds(5), false);
        assertThat(awaitDone(job.status().id()).state()).isEqualTo("done");

        assertThat(control.vm("gaming").hostDevices()).isEmpty();
        VmControl.Vm ws = control.vm("workstation");
        assertThat(ws.hostDevices()).extracting(DomainDefinition.HostDevice::source)
                .containsExactly("0000:01:00.0", "0000:01:00.1", "1d6b:0104");
        assertThat(ws.displayMode()).isEqualTo("none");
        GpuInventory.Report r = control.gpus();
        assertThat(r.gpus().get(1).heldBy()).isEqualTo("workstation");
        assertThat(r.gadget().heldBy()).containsExactly("workstation");
    }

    @Test
    void givesAFreeVfAndAMediatedDevice() {
        var vf = new GpuMoves.Assignment("workstation", GpuMoves.Method.VF, null, null, false, null, false);
        Plan plan = control.apply(c -> c.planAssign("0000:00:02.0", vf));
        assertThat(plan.changes()).extracting(Plan.Change::vm).containsExactly("workstation");
        assertThat(plan.changes().get(0).diff()).contains("+        <address domain='0x0000' bus='0x00' slot='0x02' function='0x2'/>");
        var mdev = new GpuMoves.Assignment("workstation", GpuMoves.Method.MDEV, null, "i915-GVTg_V5_4", false, null, false);
        control.apply(c -> c.planAssign("0000:00:02.0", mdev));
        GpuInventory.Gpu intel = control.gpus().gpus().get(0);
        assertThat(intel.sriov().vfs()).extracting(GpuInventory.Vf::heldBy).containsExactly("homelab", "workstation");
        assertThat(intel.mdevTypes().get(0).instances()).singleElement()
                .satisfies(i -> assertThat(i.heldBy()).isEqualTo("workstation"));
    }

    /**
     * Recorded node devices, not a kernel: the demo GPU's group with a USB controller as a third function of its slot,
     * the shape {@code testvm host --shared-group} gives a real host.
     */
    @Test
    void aGroupWithMoreThanTheGpuNamesTheOtherMemberAndWhatPassingItMeans_recordedDevices() throws Exception {
        var devices = new java.util.HashMap<>(RecordingHost.demoDevices());
        String third = "<address domain='0x0000' bus='0x01' slot='0x00' function='0x2'/>";
        List<String> pci = new java.util.ArrayList<>(devices.get("pci").stream()
                .map(x -> x.contains("<iommuGroup number='14'>") ? x.replace("</iommuGroup>", third + "</iommuGroup>") : x).toList());
        pci.add("""
                <device><name>pci_0000_01_00_2</name><parent>pci_0000_00_01_0</parent><driver><name>xhci_hcd</name></driver>
                <capability type='pci'><class>0x0c0330</class><domain>0</domain><bus>1</bus><slot>0</slot><function>2</function>
                <product id='0x000d'>QEMU XHCI Host Controller</product><vendor id='0x1b36'>Red Hat, Inc.</vendor>
                <iommuGroup number='14'><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
                <address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>%s</iommuGroup></capability></device>
                """.formatted(third));
        devices.put("pci", pci);
        LibvirtHost host = new LibvirtHost(DemoHost.install(dataDir.resolve("shared")), 5, Duration.ofSeconds(1));
        assertThat(host.awaitConnected(Duration.ofSeconds(10))).isTrue();
        try (VmControl shared = new VmControl(new RecordingHost(host, devices),
                new VmControl.Settings(UsbId.parse("1d6b:0104"), true, Duration.ofSeconds(5)), DemoHost.driverHints())) {
            Plan plan = shared.planAssign("0000:01:00.0", new GpuMoves.Assignment("workstation", GpuMoves.Method.WHOLE, null, null,
                    true, null, false));
            assertThat(plan.summary()).isEqualTo("give AD102 [GeForce RTX 4090] (3 functions of IOMMU group 14) to workstation");
            assertThat(plan.notes()).containsExactly("IOMMU group 14 also holds 0000:01:00.2, QEMU XHCI Host Controller "
                    + "(class 0x0c0330, driver xhci_hcd), which is on the GPU's slot but neither display nor audio: VFIO passes "
                    + "whole groups, so workstation gets it too and the host loses it while workstation runs");
            assertThat(plan.changes().get(plan.changes().size() - 1).diff())
                    .contains("+        <address domain='0x0000' bus='0x01' slot='0x00' function='0x2'/>");
        }
    }

    @Test
    void dryRunShowsADiffAndChangesNothing() {
        Plan plan = control.planDisplay("workstation", DisplayMode.VIRTIO_GL);
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.diff())
                .startsWith("--- workstation (now)\n+++ workstation (after)\n@@ ")
                .contains("+        <acceleration accel3d='yes'/>", "+    <graphics type='egl-headless'/>"));
        assertThat(control.vm("workstation").displayMode()).isEqualTo("virtio");
    }

    private VmJobs.Status awaitDone(String id) {
        return Await.value(Duration.ofSeconds(15), () -> control.job(id), s -> !s.state().equals("running"), "job " + id + " finished");
    }
}
