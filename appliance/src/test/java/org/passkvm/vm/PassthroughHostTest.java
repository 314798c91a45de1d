package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
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
    /** The VM the GPU moves to and back from, through PassKVM's API. */
    private static final String OTHER = "gpu-guest-b";
    /** The host's SR-IOV physical function (an NVMe controller: QEMU has no SR-IOV GPU) and its first VF. */
    private static final String PF = "0000:02:00.0";
    private static final String VF0 = "0000:02:00.1";
    /** The kernel's mtty sample, loaded with --mtty: a mediated-device parent that is not a PCI function. */
    private static final String MDEV_PARENT = "mtty_mtty";
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
        host = HostVm.start(tmp.resolve("host"), "--mtty");
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
        assertThat(gpu.path("kind").asText()).isEqualTo("gpu");
        JsonNode nvme = gpu(gpus, PF);
        assertThat(nvme.path("kind").asText()).as("listed in vm.passthrough_devices").isEqualTo("pci");
        assertThat(nvme.path("sriov").path("maxVfs").asInt()).isEqualTo(4);
        assertThat(gpus.path("mdevParents").findValuesAsText("id")).as("mtty: a parent that is not a PCI function").contains(MDEV_PARENT);
    }

    @Test
    @Order(4)
    void aVmStartedWithTheGpuHoldsBothFunctionsOnVfioPciAndGivesThemBack() throws Exception {
        if (app == null) {
            startAppliance();
        }
        Path xml = tmp.resolve(GUEST + ".xml");
        Files.writeString(xml, smallGuest(GUEST));
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

    @Test
    @Order(5)
    void theWholeGpuMovesThroughTheApiToBWhichHoldsItOnVfioPciWhileRunningAndThenBackToA() throws Exception {
        requireGuests();
        String original = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);

        HttpResponse<String> toB = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign", Map.of("vm", OTHER, "usb", false));
        assertThat(toB.statusCode()).as(toB.body()).isEqualTo(200);
        JsonNode changes = TestHttps.json(toB).path("plan").path("changes");
        assertThat(changes.findValuesAsText("vm")).as("the holder gives it up first").containsExactly(GUEST, OTHER);
        assertThat(changes.get(1).path("diff").asText()).contains("+        <address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>");

        HttpResponse<String> started = admin.call("POST", "/api/vms/" + OTHER + "/start", Map.of("paused", true));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        assertThat(TestHttps.json(started).path("state").asText()).isEqualTo("paused");
        String whileRunning = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
        JsonNode gpu = gpu(admin.json("GET", "/api/gpus", null), HostVm.DISPLAY);

        HttpResponse<String> backWhileRunning = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign", Map.of("vm", GUEST, "usb", false));

        HttpResponse<String> off = admin.call("POST", "/api/vms/" + OTHER + "/force-off", null);
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        String afterStop = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
        HttpResponse<String> back = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign", Map.of("vm", GUEST, "usb", false));
        String definitions = host.virsh("dumpxml --inactive " + GUEST + "; dumpxml --inactive " + OTHER);
        System.out.printf("inside the host, while %s (paused) holds the GPU:%n%safter it stopped:%n%s", OTHER, whileRunning,
                afterStop);

        assertThat(whileRunning.lines()).containsExactly(HostVm.DISPLAY + " vfio-pci", HostVm.AUDIO + " vfio-pci");
        assertThat(gpu.path("heldBy").asText()).isEqualTo(OTHER);
        assertThat(gpu.path("groupMembers").findValuesAsText("driver")).containsExactly("vfio-pci", "vfio-pci");
        assertThat(backWhileRunning.statusCode()).as(backWhileRunning.body()).isEqualTo(409);
        assertThat(TestHttps.json(backWhileRunning).path("error").asText())
                .isEqualTo(OTHER + " is running and would lose a device: shut it down first, or ask to (shutdownHolder: true)");
        assertThat(afterStop).isEqualTo(original);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(holders(definitions)).containsExactly(GUEST + " 0000:01:00.0", GUEST + " 0000:01:00.1");
    }

    @Test
    @Order(6)
    void aStartLibvirtRefusesIs502WithLibvirtsMessageAndLeavesNothingBound() throws Exception {
        requireGuests();
        String before = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
        // A vBIOS file that is not on the host: libvirt binds both functions to vfio-pci, then QEMU refuses to start.
        HttpResponse<String> moved = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign",
                Map.of("vm", OTHER, "usb", false, "romFile", "/nonexistent/vbios.rom"));
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);

        HttpResponse<String> started = admin.call("POST", "/api/vms/" + OTHER + "/start", Map.of("paused", true));
        String after = host.drivers(HostVm.DISPLAY, HostVm.AUDIO);
        String state = admin.json("GET", "/api/vms/" + OTHER, null).path("state").asText();
        HttpResponse<String> back = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign", Map.of("vm", GUEST, "usb", false));
        System.out.printf("PassKVM answered %d %s%ninside the host, after the failed start:%n%s", started.statusCode(),
                started.body(), after);

        assertThat(started.statusCode()).as(started.body()).isEqualTo(502);
        assertThat(TestHttps.json(started).path("error").asText()).startsWith("start of VM '" + OTHER + "': internal error: ")
                .contains("failed to find romfile \"/nonexistent/vbios.rom\"");
        assertThat(started.body()).doesNotContain("Exception", "\tat ");
        assertThat(after).isEqualTo(before);
        assertThat(state).isEqualTo("shut-off");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void aMoveWhoseSecondDefineFailsPutsTheFirstBack() throws Exception {
        requireGuests();
        String before = host.virsh("dumpxml --inactive " + GUEST + "; dumpxml --inactive " + OTHER);
        // libvirtd writes OTHER's new definition to NAME.xml.new and renames it: a folder in the way fails that write
        // only, after the holder's definition (written first) has already lost the GPU.
        host.ssh("mkdir /etc/libvirt/qemu/" + OTHER + ".xml.new");
        HttpResponse<String> moved;
        try {
            moved = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign", Map.of("vm", OTHER, "usb", false));
        } finally {
            host.ssh("rmdir /etc/libvirt/qemu/" + OTHER + ".xml.new");
        }
        String after = host.virsh("dumpxml --inactive " + GUEST + "; dumpxml --inactive " + OTHER);
        JsonNode gpu = gpu(admin.json("GET", "/api/gpus", null), HostVm.DISPLAY);
        System.out.printf("PassKVM answered %d %s%n", moved.statusCode(), moved.body());

        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(502);
        assertThat(TestHttps.json(moved).path("error").asText()).isEqualTo("defining a VM: Failed to create file '/etc/libvirt/qemu/"
                + OTHER + ".xml.new': Is a directory; nothing was changed: put back the definition of " + GUEST);
        assertThat(holders(after)).containsExactly(GUEST + " 0000:01:00.0", GUEST + " 0000:01:00.1");
        assertThat(after).isEqualTo(before);
        assertThat(gpu.path("heldBy").asText()).isEqualTo(GUEST);
    }

    private static void startAppliance() throws IOException, InterruptedException {
        app = TestAppliance.start(tmp.resolve("appliance"), """
                vm:
                  uri: "%s"
                  gadget_usb_id: "%s"
                  passthrough_devices: ["%s"]
                  reconnect_max_ms: 2000
                """.formatted(host.uri(), HostVm.KEYBOARD, PF));
        // Patient: each answer crosses ssh into an emulated CPU.
        admin = TestHttps.basic(app.port(), "admin", TestAppliance.PASSWORD, Duration.ofSeconds(10), Duration.ofMinutes(2));
        Await.every(Duration.ofMillis(200)).valueOf(Duration.ofSeconds(120),
            () -> app.anonymous().json("GET", "/api/health", null).path("capabilities").path("vm"),
            vm -> vm.path("state").asText().equals("connected"), "PassKVM connected to the host VM");
    }

    @Test
    @Order(8)
    void anAdminSetsTheVirtualFunctionsOfAnSriovDeviceAndAVfGivenToAVmIsOnVfioPciWhileItRuns() throws Exception {
        requireGuests();
        HttpResponse<String> unconfirmed = admin.call("PUT", "/api/gpus/" + PF + "/sriov", Map.of("numvfs", 2));
        HttpResponse<String> tooMany = admin.call("PUT", "/api/gpus/" + PF + "/sriov", Map.of("numvfs", 5, "confirm", true));
        String untouched = host.ssh("cat /sys/bus/pci/devices/" + PF + "/sriov_numvfs").strip();

        HttpResponse<String> set = admin.call("PUT", "/api/gpus/" + PF + "/sriov", Map.of("numvfs", 2, "confirm", true));
        String inside = host.ssh("cat /sys/bus/pci/devices/" + PF + "/sriov_numvfs; ls -d /sys/bus/pci/devices/" + PF + "/virtfn*");
        HttpResponse<String> given = admin.call("POST", "/api/gpus/" + PF + "/assign", Map.of("vm", OTHER, "method", "vf", "usb", false));
        HttpResponse<String> started = admin.call("POST", "/api/vms/" + OTHER + "/start", Map.of("paused", true));
        String whileRunning = host.drivers(VF0);
        String running = host.virsh("dumpxml " + OTHER);
        HttpResponse<String> whileHeld = admin.call("PUT", "/api/gpus/" + PF + "/sriov", Map.of("numvfs", 0, "confirm", true));
        admin.call("POST", "/api/vms/" + OTHER + "/force-off", null);
        String afterStop = host.drivers(VF0);
        HttpResponse<String> wouldVanish = admin.call("PUT", "/api/gpus/" + PF + "/sriov", Map.of("numvfs", 0, "confirm", true));
        String audit = Files.readString(tmp.resolve("appliance").resolve("data").resolve("audit.log"));
        System.out.printf("sriov_numvfs and VFs inside the host after PUT …/sriov {numvfs: 2, confirm: true}:%n%s"
                + "while %s (paused) runs with the VF:%n%s%s%nafter it stopped:%n%s", inside, OTHER, whileRunning,
                hostdevLines(running), afterStop);

        assertThat(unconfirmed.statusCode()).as(unconfirmed.body()).isEqualTo(400);
        assertThat(TestHttps.json(unconfirmed).path("error").asText()).isEqualTo("confirm: true is required: setting " + PF
                + " from 0 to 2 virtual functions removes every one it has now and creates 2 new ones");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(TestHttps.json(tooMany).path("error").asText()).isEqualTo("numvfs must be from 0 to 4 for " + PF + "; got 5");
        assertThat(untouched).isEqualTo("0");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(TestHttps.json(set).path("sriov").path("vfs").findValuesAsText("address")).containsExactly(VF0, "0000:02:00.2");
        assertThat(inside.lines()).containsExactly("2", "/sys/bus/pci/devices/" + PF + "/virtfn0", "/sys/bus/pci/devices/" + PF + "/virtfn1");
        assertThat(audit).contains("\"action\":\"SRIOV\",\"target\":\"" + PF + " sriov_numvfs 0 -> 2\"");
        assertThat(given.statusCode()).as(given.body()).isEqualTo(200);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        assertThat(whileRunning.lines()).containsExactly(VF0 + " vfio-pci");
        assertThat(running).contains("<address domain='0x0000' bus='0x02' slot='0x00' function='0x1'/>");
        assertThat(whileHeld.statusCode()).isEqualTo(409);
        assertThat(TestHttps.json(whileHeld).path("error").asText()).contains(VF0 + " is in " + OTHER + ", which is running");
        assertThat(afterStop).doesNotContain("vfio-pci");
        assertThat(wouldVanish.statusCode()).isEqualTo(409);
        assertThat(TestHttps.json(wouldVanish).path("error").asText())
                .contains(VF0 + " would disappear from the definition of " + OTHER + " (release it first)");
        HttpResponse<String> released = admin.call("POST", "/api/gpus/" + PF + "/release", Map.of("vf", VF0));
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    }

    @Test
    @Order(9)
    void aMediatedDeviceIsCreatedForTheVmRunsInItAndIsRemovedWhenReleased() throws Exception {
        requireGuests();
        HttpResponse<String> given = admin.call("POST", "/api/gpus/" + MDEV_PARENT + "/assign",
                Map.of("vm", OTHER, "method", "mdev", "mdevType", "mtty-1", "usb", false));
        assertThat(given.statusCode()).as(given.body()).isEqualTo(200);
        JsonNode created = TestHttps.json(given).path("plan").path("mdevs").get(0);
        String uuid = created.path("uuid").asText();
        String instance = "/sys/bus/mdev/devices/" + uuid;
        String afterCreate = host.ssh("ls /sys/bus/mdev/devices; mdevctl list");
        String defined = host.virsh("dumpxml --inactive " + OTHER);

        HttpResponse<String> started = admin.call("POST", "/api/vms/" + OTHER + "/start", Map.of("paused", true));
        // The instance stays on its parent's driver; QEMU reaches it through its VFIO group, which it holds open.
        String whileRunning = host.ssh("basename $(readlink " + instance + "/driver); basename $(readlink " + instance + "/mdev_type); "
                + "g=$(basename $(readlink " + instance + "/iommu_group)); echo group $g; "
                + "for p in $(pidof qemu-system-x86_64); do ls -l /proc/$p/fd; done | grep -o \"/dev/vfio/$g\\$\" | sort -u");
        String running = host.virsh("dumpxml " + OTHER);
        admin.call("POST", "/api/vms/" + OTHER + "/force-off", null);
        HttpResponse<String> released = admin.call("POST", "/api/gpus/" + MDEV_PARENT + "/release", Map.of("mdev", uuid));
        String afterRelease = host.ssh("ls /sys/bus/mdev/devices; mdevctl list --defined");
        String definedAfter = host.virsh("dumpxml --inactive " + OTHER);
        System.out.printf("inside the host after assign (mdev %s):%n%swhile %s (paused) runs, the instance's driver and type:%n%s%s%n"
                + "after release, /sys/bus/mdev/devices and mdevctl list --defined: [%s]%n", uuid, afterCreate, OTHER, whileRunning,
                hostdevLines(running), afterRelease.strip());

        assertThat(created.path("action").asText()).isEqualTo("create");
        assertThat(created.path("parent").asText()).isEqualTo(MDEV_PARENT);
        assertThat(afterCreate).contains(uuid + "\n", uuid + " mtty mtty-1");
        assertThat(defined).contains("<address uuid='" + uuid + "'/>");
        Matcher recorded = Pattern.compile("<passkvm:mdev [^>]*uuid=\"" + uuid + "\"[^>]*/>").matcher(defined);
        assertThat(recorded.find()).as(defined).isTrue();
        assertThat(recorded.group()).contains("parent=\"" + MDEV_PARENT + "\"", "type=\"mtty-1\"", "created=\"yes\"");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        List<String> seen = whileRunning.lines().toList();
        assertThat(seen).hasSize(4);
        assertThat(seen.subList(0, 2)).containsExactly("mtty", "mtty-1");
        assertThat(seen.get(3)).isEqualTo("/dev/vfio/" + seen.get(2).substring("group ".length()));
        assertThat(running).contains("<hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci'", "<address uuid='" + uuid + "'/>");
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(TestHttps.json(released).path("plan").path("mdevs").findValuesAsText("action")).containsExactly("remove");
        assertThat(afterRelease).doesNotContain(uuid);
        assertThat(definedAfter).doesNotContain(uuid).doesNotContain("passkvm:");
    }

    @Test
    @Order(10)
    void keyboardAndMouseFollowTheScreenIntoARunningVmAndOutOfThePreviousOne() throws Exception {
        requireGuests();
        HttpResponse<String> started = admin.call("POST", "/api/vms/" + OTHER + "/start", Map.of("paused", true));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        HttpResponse<String> toOther = admin.call("POST", "/api/gpus/pci_0000_01_00_0/assign", Map.of("vm", OTHER, "usb", true));
        String otherLive = host.virsh("dumpxml " + OTHER);
        String otherDefined = host.virsh("dumpxml --inactive " + OTHER);

        HttpResponse<String> guestStarted = admin.call("POST", "/api/vms/" + GUEST + "/start", Map.of("paused", true));
        HttpResponse<String> toGuest = admin.call("POST", "/api/gpus/" + PF + "/assign", Map.of("vm", GUEST, "method", "vf", "usb", true));
        String guestLive = host.virsh("dumpxml " + GUEST);
        String otherLiveAfter = host.virsh("dumpxml " + OTHER);
        String otherDefinedAfter = host.virsh("dumpxml --inactive " + OTHER);
        JsonNode gadget = admin.json("GET", "/api/gpus", null).path("gadget");
        host.virsh("destroy " + OTHER + "; destroy " + GUEST);
        System.out.printf("GPU to running %s with usb: %s%nits live definition's hostdevs:%n%s%n"
                + "VF to running %s with usb: %s%n%s live:%n%s%n%s live after:%s%n", OTHER, toOther.body(), hostdevLines(otherLive),
                GUEST, toGuest.body(), GUEST, hostdevLines(guestLive), OTHER, hostdevLines(otherLiveAfter));

        assertThat(toOther.statusCode()).as(toOther.body()).isEqualTo(200);
        JsonNode plan = TestHttps.json(toOther).path("plan");
        assertThat(plan.path("hotplugs").toString()).isEqualTo("[{\"vm\":\"" + OTHER + "\",\"action\":\"plug-in\",\"device\":\"USB "
                + HostVm.KEYBOARD + "\"}]");
        assertThat(plan.path("notes").toString()).contains(OTHER + " is running: it gets the device when it next starts; keyboard and mouse now");
        assertThat(usbHostdev(otherLive)).as("plugged into the running VM").contains("<vendor id='0x0627'/>", "<product id='0x0001'/>",
                "<address bus='2' device='2'/>");
        assertThat(usbHostdev(otherDefined)).as("and into its definition").contains("<vendor id='0x0627'/>");
        assertThat(otherDefined).contains("<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>");
        assertThat(guestStarted.statusCode()).as(guestStarted.body()).isEqualTo(200);
        assertThat(toGuest.statusCode()).as(toGuest.body()).isEqualTo(200);
        assertThat(TestHttps.json(toGuest).path("plan").path("hotplugs").findValuesAsText("action")).containsExactly("unplug", "plug-in");
        assertThat(usbHostdev(guestLive)).contains("<vendor id='0x0627'/>");
        assertThat(usbHostdev(otherLiveAfter)).as("unplugged from the previous holder").isEmpty();
        assertThat(usbHostdev(otherDefinedAfter)).isEmpty();
        assertThat(gadget.path("heldBy").toString()).isEqualTo("[\"" + GUEST + "\"]");
    }

    @Test
    @Order(11)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aMediatedDeviceMadeByHandOnTheHostAppearsThroughItsEventAtTheCostOfReadingItAndItsParent() throws Exception {
        requireGuests();
        LibvirtHost libvirt = new LibvirtHost(host.uri(), 2, Duration.ofSeconds(2));
        assertThat(libvirt.awaitConnected(Duration.ofSeconds(120))).as(libvirt.link().detail()).isTrue();
        try (VmControl control = new VmControl(libvirt, new VmControl.Settings(HostVm.KEYBOARD, false, Duration.ofSeconds(30)), Map.of())) {
            control.gpus();
            long before = libvirt.apiCalls();
            String uuid = "6f6c1a3e-0b1d-4c55-9f0e-00000000000b";
            long made = System.nanoTime();
            host.ssh("echo " + uuid + " > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create");
            try {
                Await.every(Duration.ofMillis(50)).valueOf(Duration.ofSeconds(60), control::gpus,
                        r -> r.mdevParents().stream().flatMap(p -> p.types().stream()).flatMap(t -> t.instances().stream())
                                .anyMatch(i -> i.uuid().equals(uuid)), "the new instance in the inventory");
                long seenMs = Duration.ofNanos(System.nanoTime() - made).toMillis();
                long calls = libvirt.apiCalls() - before;
                System.out.printf("mdev made by hand: in the inventory after %d ms, for %d libvirt calls%n", seenMs, calls);
                assertThat(calls).as("the new device and its parent (a lookup and its XML each), not every device again")
                        .isLessThanOrEqualTo(4);
            } finally {
                host.ssh("echo 1 > /sys/bus/mdev/devices/" + uuid + "/remove");
            }
        }
    }

    @Test
    @Order(12)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aLinkCutInTheMiddleOfAMoveAnswers503AndTheMoveIsTakenBackWhenTheLinkReturns() throws Exception {
        requireGuests();
        try (VmControl control = directControl()) {
            control.apply(c -> c.planAssign(HostVm.DISPLAY, new GpuMoves.Assignment(GUEST, GpuMoves.Method.WHOLE, null, null,
                    true, null, false)));
        }
        String before = host.virsh("dumpxml --inactive " + GUEST + "; dumpxml --inactive " + OTHER);
        // (the VF given to GUEST by the test before stays: only the GPU moves here)
        assertThat(holders(before)).contains(GUEST + " 0000:01:00.0", GUEST + " 0000:01:00.1");
        LibvirtHost libvirt = new LibvirtHost(host.uri(), 2, Duration.ofSeconds(2));
        assertThat(libvirt.awaitConnected(Duration.ofSeconds(120))).as(libvirt.link().detail()).isTrue();
        // The holder loses the GPU first; just before the receiver is written, every ssh session on the host dies.
        VmHost cutting = new CutBeforeSecondDefine(libvirt, () -> {
            host.ssh("setsid sh -c \"sleep 0.3; pkill -f '^sshd: root'\" < /dev/null > /dev/null 2>&1 &");
            Thread.sleep(1500);
        });
        try (VmControl control = new VmControl(cutting, new VmControl.Settings(HostVm.KEYBOARD, false, Duration.ofSeconds(30)), Map.of())) {
            var toOther = new GpuMoves.Assignment(OTHER, GpuMoves.Method.WHOLE, null, null, true, null, false);
            VmHostException cut = org.junit.jupiter.api.Assertions.assertThrows(VmHostException.class,
                    () -> control.apply(c -> c.planAssign(HostVm.DISPLAY, toOther)));
            List<String> pending = control.pendingRepairs();
            System.out.printf("move cut off: %s%npending: %s%n", cut.getMessage(), pending);
            assertThat(cut.kind()).isEqualTo(VmHostException.Kind.UNAVAILABLE);
            assertThat(cut.getMessage()).contains("the link to the host was lost: once it is back PassKVM will put back the definition of "
                    + OTHER + ", put back the definition of " + GUEST);
            Await.every(Duration.ofMillis(500)).until(Duration.ofSeconds(120), () -> control.pendingRepairs().isEmpty(),
                    "the take-back done after reconnecting");
            String after = host.virsh("dumpxml --inactive " + GUEST + "; dumpxml --inactive " + OTHER);
            assertThat(after).isEqualTo(before);
        }
    }

    @Test
    @Order(13)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void libvirtdRestartedAnswers503AtOnceWhileDownHealthSaysWhyAndPassKvmReconnectsWithEventsAgain() throws Exception {
        requireGuests();
        awaitConnected();
        // The host's init does not reap it at once: wait for it to be gone or a zombie, not for pgrep to stop seeing it.
        host.ssh("pkill -x libvirtd; while ps -C libvirtd -o stat= | grep -qv Z; do sleep 0.1; done");
        JsonNode down = Await.every(Duration.ofMillis(100)).valueOf(Duration.ofSeconds(30), this::vmHealth,
                vm -> vm.path("state").asText().equals("disconnected"), "health to say the link is down");
        long asked = System.nanoTime();
        HttpResponse<String> vms = admin.call("GET", "/api/vms", null);
        long answeredMs = Duration.ofNanos(System.nanoTime() - asked).toMillis();
        System.out.printf("libvirtd killed: health %s; GET /api/vms %d in %d ms: %s%n", down, vms.statusCode(), answeredMs, vms.body());
        assertThat(vms.statusCode()).isEqualTo(503);
        assertThat(answeredMs).as("at once, not after a timeout").isLessThan(2000);
        assertThat(TestHttps.json(vms).path("error").asText()).startsWith("the VM host is not connected (");
        assertThat(down.path("details").path("detail").asText()).isNotBlank();

        host.ssh("setsid /usr/sbin/libvirtd < /dev/null >> /.testvm-io/libvirtd.log 2>&1 &");
        long restarted = System.nanoTime();
        awaitConnected();
        System.out.printf("reconnected %d s after libvirtd came back%n", Duration.ofNanos(System.nanoTime() - restarted).toSeconds());
        admin.json("GET", "/api/vms", null);
        Path xml = tmp.resolve("after-restart.xml");
        Files.writeString(xml, smallGuest("after-restart"));
        host.virsh("define " + xml);
        try {
            Await.every(Duration.ofMillis(200)).until(Duration.ofSeconds(30),
                    () -> admin.json("GET", "/api/vms", null).path("vms").findValuesAsText("name").contains("after-restart"),
                    "a VM defined on the host after the reconnect, seen through the new connection's events");
        } finally {
            host.virsh("undefine after-restart");
        }
    }

    @Test
    @Order(14)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theHostPoweredOffAnswers503AtOnceAndHealthSaysWhy() throws Exception {
        if (app == null) {
            startAppliance();
        }
        awaitConnected();
        host.close();
        host = null;
        JsonNode down = Await.every(Duration.ofMillis(100)).valueOf(Duration.ofSeconds(30), this::vmHealth,
                vm -> vm.path("state").asText().equals("disconnected"), "health to say the link is down");
        long asked = System.nanoTime();
        HttpResponse<String> gpus = admin.call("GET", "/api/gpus", null);
        long answeredMs = Duration.ofNanos(System.nanoTime() - asked).toMillis();
        System.out.printf("host powered off: health %s; GET /api/gpus %d in %d ms: %s%n", down, gpus.statusCode(), answeredMs, gpus.body());
        assertThat(gpus.statusCode()).isEqualTo(503);
        assertThat(answeredMs).isLessThan(2000);
        assertThat(down.path("details").path("detail").asText()).isNotBlank();
    }

    private JsonNode vmHealth() throws IOException, InterruptedException {
        return app.anonymous().json("GET", "/api/health", null).path("capabilities").path("vm");
    }

    private void awaitConnected() throws IOException, InterruptedException {
        Await.every(Duration.ofMillis(200)).valueOf(Duration.ofSeconds(120), this::vmHealth,
                vm -> vm.path("state").asText().equals("connected"), "PassKVM connected to the host VM");
    }

    /** PassKVM's VM control on its own connection to the host, as the appliance builds it. */
    private static VmControl directControl() throws Exception {
        LibvirtHost libvirt = new LibvirtHost(host.uri(), 2, Duration.ofSeconds(2));
        assertThat(libvirt.awaitConnected(Duration.ofSeconds(120))).as(libvirt.link().detail()).isTrue();
        return new VmControl(libvirt, new VmControl.Settings(HostVm.KEYBOARD, false, Duration.ofSeconds(30),
                PassthroughDevices.parse(List.of(PF)), Duration.ofSeconds(60)), Map.of());
    }

    /** A host whose link is cut (by {@code cut}) just before the second definition is written. */
    private static final class CutBeforeSecondDefine extends ForwardingHost {

        interface Cut {
            void run() throws Exception;
        }

        private final Cut cut;
        private int defines;

        CutBeforeSecondDefine(VmHost real, Cut cut) {
            super(real);
            this.cut = cut;
        }

        @Override
        public void define(String domainXml) {
            if (++defines == 2) {
                try {
                    cut.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            real.define(domainXml);
        }
    }

    /** Both guests defined and PassKVM connected, whichever test runs first. */
    private static void requireGuests() throws Exception {
        if (app == null) {
            startAppliance();
        }
        for (String vm : List.of(GUEST, OTHER)) {
            if (!host.virsh("list --all --name").lines().anyMatch(vm::equals)) {
                Path xml = tmp.resolve(vm + ".xml");
                Files.writeString(xml, smallGuest(vm));
                host.virsh("define " + xml);
            }
        }
    }

    /** The hostdev elements of a dumpxml, for the log. */
    private static String hostdevLines(String xml) {
        Matcher h = Pattern.compile("\\s*<hostdev .*?</hostdev>", Pattern.DOTALL).matcher(xml);
        StringBuilder b = new StringBuilder();
        while (h.find()) {
            b.append(h.group());
        }
        return b.toString();
    }

    /** The USB hostdev of a dumpxml, or "". */
    private static String usbHostdev(String xml) {
        Matcher h = Pattern.compile("<hostdev mode='subsystem' type='usb'.*?</hostdev>", Pattern.DOTALL).matcher(xml);
        return h.find() ? h.group() : "";
    }

    /** "VM address" for each PCI hostdev in a series of virsh dumpxml outputs. */
    private static List<String> holders(String dumps) {
        List<String> out = new ArrayList<>();
        for (String domain : dumps.split("</domain>")) {
            Matcher name = Pattern.compile("<name>([^<]+)</name>").matcher(domain);
            if (!name.find()) {
                continue;
            }
            Matcher h = Pattern.compile("<hostdev mode='subsystem' type='pci'.*?</hostdev>", Pattern.DOTALL).matcher(domain);
            while (h.find()) {
                addresses(h.group()).stream().limit(1).forEach(a -> out.add(name.group(1) + " " + a));
            }
        }
        return out;
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
    /** A 64 MiB diskless q35 guest with no display: all a nested-emulation test needs to start. */
    static String smallGuest(String name) {
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
                """.formatted(name);
    }
}
