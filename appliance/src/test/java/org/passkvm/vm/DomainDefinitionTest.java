package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading and editing domain XML; every edited definition passes libvirt's own schema check. */
class DomainDefinitionTest {

    private static final String VM = """
            <domain type='kvm'>
              <name>win11</name>
              <uuid>0b8d3e77-1f6a-4a0e-8c3d-5e2a9b7c4f02</uuid>
              <memory unit='GiB'>8</memory>
              <vcpu placement='static'>4</vcpu>
              <os><type arch='x86_64' machine='q35'>hvm</type></os>
              <devices>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
                  <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>
                </hostdev>
                <graphics type='spice' autoport='yes'><listen type='address'/></graphics>
                <audio id='1' type='spice'/>
                <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
                <video><model type='qxl' heads='1' primary='yes'/></video>
              </devices>
            </domain>
            """;

    @Test
    void readsTheInventoryFields() {
        DomainDefinition d = DomainDefinition.parse(VM);
        assertThat(d.name()).isEqualTo("win11");
        assertThat(d.memoryKiB()).isEqualTo(8L * 1024 * 1024);
        assertThat(d.vcpus()).isEqualTo(4);
        assertThat(d.hostDevices()).containsExactly(new DomainDefinition.HostDevice("pci", "0000:01:00.0", true));
        assertThat(d.displayMode()).isEqualTo(DisplayMode.QXL_SPICE);
    }

    @Test
    void removesAndAddsHostDevicesAndTheResultValidates() throws Exception {
        XmlValidator.requireTools();
        DomainDefinition d = DomainDefinition.parse(VM);
        assertThat(d.removePci(PciAddress.parse("0000:01:00.0"))).isTrue();
        assertThat(d.removePci(PciAddress.parse("0000:01:00.0"))).isFalse();
        d.addPci(PciAddress.parse("0000:02:00.0"), new DomainDefinition.Rom(true, "/var/lib/passkvm/vbios.rom"));
        d.addUsb(UsbId.parse("1d6b:0104"));
        d.addMdev("c2177883-f1bb-47f0-914d-32a22e3a8804", "pci_0000_00_02_0", "i915-GVTg_V5_4");
        String xml = d.toXml();
        assertThat(xml).contains("<rom bar='on' file='/var/lib/passkvm/vbios.rom'/>", "<vendor id='0x1d6b'/>",
                "<hostdev mode='subsystem' type='mdev' model='vfio-pci'>");
        XmlValidator.assertValidDomain(xml);
        DomainDefinition back = DomainDefinition.parse(xml);
        assertThat(back.hostDevices()).extracting(DomainDefinition.HostDevice::source)
                .containsExactly("0000:02:00.0", "1d6b:0104", "c2177883-f1bb-47f0-914d-32a22e3a8804");
        assertThat(back.mdevOrigins()).singleElement().satisfies(o -> assertThat(o.type()).isEqualTo("i915-GVTg_V5_4"));
        assertThat(back.removeMdev("c2177883-f1bb-47f0-914d-32a22e3a8804")).isTrue();
        assertThat(back.mdevOrigins()).isEmpty();
        assertThat(back.toXml()).doesNotContain("metadata");
    }

    @Test
    void everyDisplayModeRoundTripsAndValidates() throws Exception {
        XmlValidator.requireTools();
        for (DisplayMode mode : new DisplayMode[] {DisplayMode.NONE, DisplayMode.VIRTIO, DisplayMode.VIRTIO_GL, DisplayMode.QXL_SPICE}) {
            DomainDefinition d = DomainDefinition.parse(VM);
            d.setDisplay(mode);
            XmlValidator.assertValidDomain(d.toXml());
            assertThat(DomainDefinition.parse(d.toXml()).displayMode()).isEqualTo(mode);
        }
        DomainDefinition none = DomainDefinition.parse(VM);
        none.setDisplay(DisplayMode.NONE);
        assertThat(none.toXml()).doesNotContain("spice");
    }

    @Test
    void everyModeWithAPictureHasAVncConsoleOnLoopbackAndNothingOnTheNetwork() {
        for (DisplayMode mode : new DisplayMode[] {DisplayMode.VIRTIO, DisplayMode.VIRTIO_GL, DisplayMode.QXL_SPICE}) {
            DomainDefinition d = DomainDefinition.parse(VM);
            d.setDisplay(mode);
            String xml = d.toXml();
            assertThat(xml).as(mode.label())
                    .containsPattern("<graphics type='vnc' autoport='yes'>\\s*<listen type='address' address='127.0.0.1'/>");
            assertThat(xml.split("<listen ", -1).length - 1).as("every listener is a loopback one")
                    .isEqualTo(xml.split("address='127.0.0.1'", -1).length - 1);
        }
        DomainDefinition gl = DomainDefinition.parse(VM);
        gl.setDisplay(DisplayMode.VIRTIO_GL);
        assertThat(gl.toXml()).contains("<graphics type='egl-headless'/>").doesNotContain("spice");
    }

    @Test
    void theVncConsoleIsReadFromARunningVmAndOnlyWhenItIsOnTheHostAlone() {
        String running = VM.replace("<video>", "<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'>"
                + "<listen type='address' address='127.0.0.1'/></graphics><video>");
        assertThat(DomainDefinition.parse(running).vncConsole()).isEqualTo(new DomainDefinition.VncConsole("127.0.0.1", 5901, null));
        String socket = VM.replace("<video>", "<graphics type='vnc'><listen type='socket' "
                + "socket='/var/lib/libvirt/qemu/domain-3-win11/vnc.sock'/></graphics><video>");
        assertThat(DomainDefinition.parse(socket).vncConsole().describe()).isEqualTo("unix:/var/lib/libvirt/qemu/domain-3-win11/vnc.sock");
        String open = VM.replace("<video>", "<graphics type='vnc' port='5900' listen='0.0.0.0'>"
                + "<listen type='address' address='0.0.0.0'/></graphics><video>");
        assertThat(DomainDefinition.parse(open).vncConsole()).as("a console open to the network is not used").isNull();
        assertThat(DomainDefinition.parse(VM).vncConsole()).isNull();
    }

    @Test
    void refusesXmlThatIsNotADomainAndEntities() {
        assertThatThrownBy(() -> DomainDefinition.parse("<network/>")).hasMessageContaining("not a domain");
        assertThatThrownBy(() -> DomainDefinition.parse("<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>"))
                .isInstanceOf(VmHostException.class);
    }

    @Test
    void pciAddressesReadBothSpellings() {
        assertThat(PciAddress.parse("pci_0000_01_00_1")).isEqualTo(PciAddress.parse("0000:01:00.1"));
        assertThat(PciAddress.parse("0000:0a:1f.7").deviceName()).isEqualTo("pci_0000_0a_1f_7");
        assertThatThrownBy(() -> PciAddress.parse("01:00.0")).hasMessageContaining("expected e.g. 0000:01:00.0");
    }
}
