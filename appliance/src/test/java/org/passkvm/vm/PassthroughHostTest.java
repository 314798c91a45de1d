package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.web.TestHttps;

/**
 * PassKVM against a real passthrough host: Debian's kernel with an emulated Intel IOMMU and a system libvirtd
 * ({@link HostVm}), reached from outside over qemu+ssh as from a Pi. What libvirt's test driver cannot show is
 * proven here on the kernel: the GPU-shaped pair forms one IOMMU group, and a VM started with both functions has them
 * bound to vfio-pci by libvirt and given back to their own drivers when it stops. One host boot for the class.
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PassthroughHostTest {

    private static final String GUEST = "gpu-guest";
    private static final Pattern GROUP = Pattern.compile("<iommuGroup number='(\\d+)'>(.*?)</iommuGroup>", Pattern.DOTALL);

    @TempDir
    static Path tmp;

    private static HostVm host;
    private static TestAppliance app;
    private static TestHttps admin;
    private static int gpuGroup = -1;

    @BeforeAll
    static void bootTheHost() throws Exception {
        long start = System.nanoTime();
        host = HostVm.start(tmp.resolve("host"));
        System.out.printf("host VM ready in %d s%n", Duration.ofNanos(System.nanoTime() - start).toSeconds());
    }

    @AfterAll
    static void stopTheHost() throws Exception {
        if (app != null) {
            app.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    @Order(1)
    void theGpuShapedPairIsOneIommuGroupSeenFromOutsideAndInside() throws Exception {
        String xml = host.virsh("nodedev-dumpxml pci_0000_01_00_0; nodedev-dumpxml pci_0000_02_00_0");
        Matcher m = GROUP.matcher(xml);
        assertThat(m.find()).as(xml).isTrue();
        gpuGroup = Integer.parseInt(m.group(1));
        assertThat(addresses(m.group(2))).containsExactly("0000:01:00.0", "0000:01:00.1");
        assertThat(xml).as("the NVMe controller is an SR-IOV PF").contains("<capability type='virt_functions' maxCount='4'");

        String inside = host.ssh("ls /sys/kernel/iommu_groups/" + gpuGroup + "/devices");
        System.out.println("inside the host, IOMMU group " + gpuGroup + ": " + inside.strip().replace('\n', ' '));
        assertThat(inside.lines()).containsExactly(HostVm.DISPLAY, HostVm.AUDIO);
    }

    @Test
    @Order(2)
    void aHostKeyOtherThanThePinnedOneIsRefused() throws Exception {
        String wrongPin = host.uriExpectingAnotherHostKey();
        assertThatThrownBy(() -> Libvirtd.run("virsh", "-c", wrongPin, "uri"))
                .hasMessageContaining("Host key verification failed");
    }

    @Test
    @Order(3)
    void passKvmShowsTheHostsGpuWithItsGroupAndTheKeyboard() throws Exception {
        startAppliance();
        JsonNode gpus = admin.json("GET", "/api/gpus", null);
        JsonNode gpu = gpu(gpus, HostVm.DISPLAY);
        assertThat(gpu.path("iommuGroup").asInt()).isEqualTo(requireGroup());
        assertThat(gpu.path("groupMembers").findValuesAsText("address")).containsExactly(HostVm.DISPLAY, HostVm.AUDIO);
        assertThat(gpu.path("driver").asText()).isEqualTo("bochs-drm");
        assertThat(gpu.path("groupMembers").get(1).path("driver").asText()).isEqualTo("snd_hda_intel");
        assertThat(gpus.path("gadget").path("present").asBoolean()).as(gpus.path("gadget").toString()).isTrue();
    }

    @Test
    @Order(4)
    void aVmStartedWithTheGpuHoldsBothFunctionsOnVfioPciAndGivesThemBack() throws Exception {
        if (app == null) {
            startAppliance();
        }
        Path xml = tmp.resolve(GUEST + ".xml");
        Files.writeString(xml, smallGuest());
        host.virsh("define " + xml);

        var given = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign", Map.of("vm", GUEST, "usb", false));
        assertThat(given.statusCode()).as(given.body()).isEqualTo(200);

        String before = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
        String started = host.virsh("dumpxml --inactive " + GUEST + "; start --paused " + GUEST + "; domstate " + GUEST);
        String during = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
        JsonNode heldWhileRunning = gpu(admin.json("GET", "/api/gpus", null), HostVm.DISPLAY);
        host.virsh("destroy " + GUEST);
        String after = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
        System.out.printf("inside the host, drivers before start:%n%swhile %s runs:%n%safter destroy:%n%s", before,
                GUEST, during, after);

        assertThat(started).contains("<hostdev mode='subsystem' type='pci' managed='yes'>",
                "<address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>", "Domain '" + GUEST + "' started",
                "paused");
        assertThat(before.lines()).containsExactly(HostVm.DISPLAY + " bochs-drm", HostVm.AUDIO + " snd_hda_intel");
        assertThat(during.lines()).containsExactly(HostVm.DISPLAY + " vfio-pci", HostVm.AUDIO + " vfio-pci");
        assertThat(heldWhileRunning.path("heldBy").asText()).isEqualTo(GUEST);
        assertThat(heldWhileRunning.path("driver").asText()).isEqualTo("vfio-pci");
        assertThat(after).isEqualTo(before);
    }

    private static void startAppliance() throws IOException, InterruptedException {
        app = TestAppliance.start(tmp.resolve("appliance"), """
                vm:
                  uri: "%s"
                  gadget_usb_id: "%s"
                """.formatted(host.uri(), HostVm.KEYBOARD));
        // Patient: each answer crosses ssh into an emulated CPU.
        admin = TestHttps.basic(app.port(), "admin", TestAppliance.PASSWORD, Duration.ofSeconds(10), Duration.ofMinutes(2));
        Await.every(Duration.ofMillis(200)).valueOf(Duration.ofSeconds(120),
            () -> app.anonymous().json("GET", "/api/health", null).path("capabilities").path("vm"),
            vm -> vm.path("state").asText().equals("connected"), "PassKVM connected to the host VM");
    }

    private static int requireGroup() throws Exception {
        if (gpuGroup < 0) {
            Matcher m = GROUP.matcher(host.virsh("nodedev-dumpxml pci_0000_01_00_0"));
            assertThat(m.find()).isTrue();
            gpuGroup = Integer.parseInt(m.group(1));
        }
        return gpuGroup;
    }

    private static JsonNode gpu(JsonNode gpus, String address) {
        for (JsonNode g : gpus.path("gpus")) {
            if (g.path("address").asText().equals(address)) {
                return g;
            }
        }
        throw new AssertionError("no GPU at " + address + " in " + gpus);
    }

    private static List<String> addresses(String xml) {
        List<String> out = new ArrayList<>();
        Matcher a = Pattern.compile("<address domain='0x(\\p{XDigit}+)' bus='0x(\\p{XDigit}+)' slot='0x(\\p{XDigit}+)' "
                + "function='0x(\\p{XDigit}+)'/>").matcher(xml);
        while (a.find()) {
            out.add(String.format("%04x:%02x:%02x.%x", Integer.parseInt(a.group(1), 16), Integer.parseInt(a.group(2), 16),
                    Integer.parseInt(a.group(3), 16), Integer.parseInt(a.group(4), 16)));
        }
        return out;
    }

    /** As small as a nested, emulated guest can be: no disk, no OS, no emulated display; PassKVM adds the GPU. */
    private static String smallGuest() {
        return """
                <domain type='qemu'>
                  <name>%s</name>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='q35'>hvm</type></os>
                  <devices>
                    <video><model type='none'/></video>
                  </devices>
                </domain>
                """.formatted(GUEST);
    }
}
