package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.passkvm.testkit.Await;

/**
 * Definition changes against a real libvirtd with the QEMU driver, read back with virsh: what
 * PassKVM writes is what libvirt keeps. The GPUs are the demo host's (this machine has none).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibvirtdTest {

    private static final UsbId GADGET = UsbId.parse("1d6b:0104");
    private static Libvirtd daemon;
    private static LibvirtHost libvirt;
    private RecordingHost host;
    private VmControl control;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = Libvirtd.start();
        libvirt = new LibvirtHost(daemon.uri(), 1, Duration.ofMillis(500));
        assertThat(libvirt.awaitConnected(Duration.ofSeconds(20))).as(libvirt.link().detail()).isTrue();
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (libvirt != null) {
            libvirt.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @BeforeEach
    void twoShutOffVms() throws Exception {
        assertThat(libvirt.awaitConnected(Duration.ofSeconds(20))).isTrue();
        host = new RecordingHost(libvirt, RecordingHost.demoDevices());
        control = new VmControl(host, new VmControl.Settings(GADGET, true, Duration.ofSeconds(5)), DemoHost.driverHints());
        host.define(vm("vm-a"));
        host.define(vm("vm-b"));
    }

    @AfterEach
    void everyDefinitionWrittenValidates() throws Exception {
        XmlValidator.requireTools();
        for (String xml : host.defined) {
            XmlValidator.assertValidDomain(xml);
        }
    }

    @Test
    @Order(1)
    void attachesMovesAndDetachesTheGpuBetweenShutOffVms() throws Exception {
        var toA = new GpuMoves.Assignment("vm-a", GpuMoves.Method.WHOLE, null, null, true, null, true);
        control.apply(c -> c.planAssign("0000:01:00.0", toA));
        String a = daemon.virshDumpXml("vm-a");
        assertThat(a).contains("<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>",
                "<address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>", "<rom bar='on'/>",
                "<vendor id='0x1d6b'/>", "<product id='0x0104'/>", "<model type='none'/>");
        assertThat(a).contains("<hostdev mode='subsystem' type='pci' managed='yes'>");

        assertThat(control.planAssign("0000:01:00.0", toA).changes()).as("giving it again changes nothing").extracting(Plan.Change::diff).isEmpty();
        assertThat(control.planDisplay("vm-a", DisplayMode.NONE).changes()).extracting(Plan.Change::diff).isEmpty();

        var toB = new GpuMoves.Assignment("vm-b", GpuMoves.Method.WHOLE, null, null, true, null, true);
        Plan move = control.apply(c -> c.planAssign("pci_0000_01_00_0", toB));
        assertThat(move.changes()).extracting(Plan.Change::vm).containsExactly("vm-a", "vm-b");
        a = daemon.virshDumpXml("vm-a");
        String b = daemon.virshDumpXml("vm-b");
        assertThat(a).doesNotContain("<hostdev");
        assertThat(b).contains("<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>",
                "<address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>", "<vendor id='0x1d6b'/>");
        assertThat(control.gpus().gpus()).filteredOn(g -> g.address().equals("0000:01:00.0"))
                .singleElement().satisfies(g -> assertThat(g.heldBy()).isEqualTo("vm-b"));

        control.apply(c -> c.planRelease("0000:01:00.0", null, null));
        b = daemon.virshDumpXml("vm-b");
        assertThat(b).doesNotContain("bus='0x01' slot='0x00'").contains("<vendor id='0x1d6b'/>");
    }

    @Test
    @Order(2)
    void givesAVirtualFunctionAndAMediatedDevice() throws Exception {
        control.apply(c -> c.planAssign("0000:00:02.0", new GpuMoves.Assignment("vm-a", GpuMoves.Method.VF,
                "0000:00:02.2", null, false, null, false)));
        control.apply(c -> c.planAssign("0000:00:02.0", new GpuMoves.Assignment("vm-a", GpuMoves.Method.MDEV,
                null, "i915-GVTg_V5_8", false, null, false)));
        String a = daemon.virshDumpXml("vm-a");
        assertThat(a).contains("<address domain='0x0000' bus='0x00' slot='0x02' function='0x2'/>",
                "<hostdev mode='subsystem' type='mdev'", "model='vfio-pci'", "type=\"i915-GVTg_V5_8\"");
        assertThat(host.mdevs).as("a new instance is created before the VM's definition names it").singleElement()
                .satisfies(m -> assertThat(m).matches("create [0-9a-f-]{36} i915-GVTg_V5_8 on pci_0000_00_02_0"));
        var types = control.gpus().gpus().get(0).mdevTypes();
        assertThat(types.get(1).instances()).singleElement().satisfies(i -> assertThat(i.heldBy()).isEqualTo("vm-a"));
    }

    @Test
    @Order(3)
    void setsEachDisplayMode() throws Exception {
        for (DisplayMode mode : List.of(DisplayMode.VIRTIO_GL, DisplayMode.QXL_SPICE, DisplayMode.NONE, DisplayMode.VIRTIO)) {
            control.apply(c -> c.planDisplay("vm-a", mode));
            assertThat(control.vm("vm-a").displayMode()).isEqualTo(mode.label());
        }
        control.apply(c -> c.planDisplay("vm-b", DisplayMode.VIRTIO_GL));
        assertThat(daemon.virshDumpXml("vm-b")).contains("<acceleration accel3d='yes'/>", "<graphics type='egl-headless'/>",
                "<listen type='address' address='127.0.0.1'/>");
        control.apply(c -> c.planDisplay("vm-b", DisplayMode.NONE));
        assertThat(daemon.virshDumpXml("vm-b")).contains("<model type='none'/>").doesNotContain("<graphics")
                .doesNotContain("type='spice'");
    }

    @Test
    @Order(4)
    void aKilledDaemonIsReportedAndTheConnectionComesBack() throws Exception {
        daemon.kill();
        Await.until(Duration.ofSeconds(20), () -> !libvirt.link().up(), "the link to the killed daemon down");
        assertThat(libvirt.link().state()).isEqualTo(Link.State.DISCONNECTED);
        assertThatThrownBy(() -> control.vms()).isInstanceOfSatisfying(VmHostException.class,
                e -> assertThat(e.kind()).isEqualTo(VmHostException.Kind.UNAVAILABLE));

        daemon.restart();
        assertThat(libvirt.awaitConnected(Duration.ofSeconds(30))).as(libvirt.link().detail()).isTrue();
        assertThat(control.vms()).extracting(VmControl.Vm::name).contains("vm-a", "vm-b");
    }

    private static String vm(String name) {
        return """
                <domain type='qemu'>
                  <name>%s</name>
                  <uuid>%s</uuid>
                  <memory unit='MiB'>256</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='pc'>hvm</type></os>
                  <devices>
                    <graphics type='spice' autoport='yes'><listen type='address'/></graphics>
                    <video><model type='virtio' heads='1' primary='yes'/></video>
                  </devices>
                </domain>
                """.formatted(name, java.util.UUID.nameUUIDFromBytes(name.getBytes()));
    }
}
