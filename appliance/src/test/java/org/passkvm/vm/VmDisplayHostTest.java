package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;
import org.passkvm.vmdisplay.TextScreen;
import org.passkvm.web.TestHttps;

/**
 * Display modes and VM displays on a real host ({@link HostVm}: libvirt's QEMU driver, reached over qemu+ssh): each
 * display mode PassKVM writes is started by QEMU, virtio-gl is refused naming the render node this host lacks, and a
 * tiny VM (SeaBIOS with its boot menu, no disk, under nested emulation) is shown in the console through an SSH tunnel
 * to its loopback VNC console: its BIOS text in the picture, Esc through the console opens the boot menu, a dropped
 * link gives a reason screen and the picture comes back with it, a destroyed VM gives a reason screen, and a console on
 * a unix socket is shown through a forwarded socket. One host boot.
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmDisplayHostTest {

    private static final String VM = "tiny";

    @TempDir
    static Path tmp;

    private static HostVm host;
    private static TestAppliance app;
    private static TestHttps admin;
    private static Thread watcher;
    private static Chromium chromium;

    @BeforeAll
    static void bootTheHost() throws Exception {
        Tools.require("/usr/share/seabios/bios-256k.bin");
        long start = System.nanoTime();
        host = HostVm.start(tmp.resolve("host"));
        System.out.printf("host VM ready in %d s%n", Duration.ofNanos(System.nanoTime() - start).toSeconds());
        Path xml = tmp.resolve(VM + ".xml");
        Files.writeString(xml, """
                <domain type='qemu'>
                  <name>%s</name>
                  <memory unit='MiB'>32</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='q35'>hvm</type><bootmenu enable='yes' timeout='65535'/></os>
                  <devices>
                    <video><model type='none'/></video>
                  </devices>
                </domain>
                """.formatted(VM));
        host.virsh("define " + xml);
        app = TestAppliance.start(tmp.resolve("appliance"), """
                vm:
                  uri: "%s"
                """.formatted(host.uri()));
        admin = TestHttps.basic(app.port(), "admin", TestAppliance.PASSWORD, Duration.ofSeconds(10), Duration.ofMinutes(2));
        // A console watching all along, as a user's would: the stream runs (and reports its state) only while watched.
        watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    admin.getBytes("/api/video/snapshot.jpg");
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a 503 while a source opens: keep watching
                }
            }
        }, "console-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Await.every(Duration.ofMillis(200)).valueOf(Duration.ofSeconds(120),
            () -> app.anonymous().json("GET", "/api/health", null).path("capabilities").path("vm"),
            vm -> vm.path("state").asText().equals("connected"), "PassKVM connected to the host VM");
    }

    @AfterAll
    static void stopTheHost() throws Exception {
        if (watcher != null) {
            watcher.interrupt();
        }
        if (chromium != null) {
            chromium.close();
        }
        if (app != null) {
            app.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    @Order(1)
    void everyDisplayModeStartsOnTheRealQemuDriverAndVirtioGlNamesWhatThisHostLacks() throws Exception {
        // virtio is started for real (and shown) below; none is what PassthroughHostTest's guests start with.
        var res = admin.call("PUT", "/api/vms/" + VM + "/display", Map.of("mode", "qxl-spice"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        long t0 = System.nanoTime();
        String live = host.virsh("start --paused " + VM + "; dumpxml " + VM + "; destroy " + VM);
        System.out.printf("display mode qxl-spice: QEMU started it (paused) in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(live).contains("Domain '" + VM + "' started", "<model type='qxl'")
                .containsPattern("<graphics type='vnc' port='59\\d\\d' autoport='yes' listen='127.0.0.1'>")
                .containsPattern("<graphics type='spice' port='59\\d\\d' autoport='yes' listen='127.0.0.1'>");
        res = admin.call("PUT", "/api/vms/" + VM + "/display", Map.of("mode", "virtio"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        String before = host.virsh("dumpxml --inactive " + VM);
        var gl = admin.call("PUT", "/api/vms/" + VM + "/display", Map.of("mode", "virtio-gl"));
        assertThat(gl.statusCode()).as(gl.body()).isEqualTo(501);
        assertThat(TestHttps.json(gl).path("error").asText()).contains("virtio-gl needs a DRM render node on the host");
        assertThat(host.virsh("dumpxml --inactive " + VM)).as("nothing half-written").isEqualTo(before);
        // What libvirt itself says, had PassKVM not asked first: the same missing piece.
        Path egl = tmp.resolve("gl.xml");
        Files.writeString(egl, before.replace("<name>" + VM + "</name>", "<name>gl-probe</name>").replaceAll("<uuid>.*</uuid>", "")
                .replace("<model type='virtio' heads='1' primary='yes'>", "<model type='virtio' heads='1' primary='yes'><acceleration accel3d='yes'/>")
                .replaceAll("<graphics type='spice'[\\s\\S]*?</graphics>", "<graphics type='egl-headless'/>"));
        String probe = runQuietly("define " + egl + "; start gl-probe; undefine gl-probe");
        System.out.println("libvirt on virtio-gl without a render node: " + probe.lines().filter(l -> l.startsWith("error")).toList());
        assertThat(probe).contains("DRM render node");
    }

    @Test
    @Order(2)
    void theVmsBiosScreenIsInTheConsoleThroughTheSwitcher() throws Exception {
        host.virsh("start " + VM);
        JsonNode sources = Await.every(Duration.ofMillis(500)).valueOf(Duration.ofSeconds(60),
            () -> admin.json("GET", "/api/video/sources", null),
            s -> s.path("sources").findValuesAsText("id").contains("vm:" + VM), "the VM listed as a source");
        assertThat(sources.path("sources").get(0).path("label").asText()).isEqualTo("HDMI (the VM holding the GPU)");
        assertThat(sources.path("selected").asText()).isEqualTo("hdmi");
        long t0 = System.nanoTime();
        Page page = null;
        if (Tools.present("chromium")) {
            // Through the console's switcher, as a user would; the screenshot is docs/vm-display.png.
            chromium = Chromium.launch();
            page = chromium.login(app.port(), "admin", TestAppliance.PASSWORD);
            page.waitForSelector("#source option[value='vm:" + VM + "']", new Page.WaitForSelectorOptions().setState(
                    com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));
            t0 = System.nanoTime();
            page.selectOption("#source", "vm:" + VM);
        } else {
            admin.json("PUT", "/api/video/source", Map.of("source", "vm:" + VM));
        }
        Await.every(Duration.ofMillis(200)).valueOf(Duration.ofSeconds(30), () -> admin.json("GET", "/api/video/sources", null),
            s -> s.path("selected").asText().equals("vm:" + VM), "the VM selected");
        TextScreen bios = awaitScreen(Duration.ofSeconds(180), s -> s.width() == 720 && s.litLines() >= 2, "SeaBIOS's text in the console");
        assertThat(host.virsh("dumpxml " + VM)).as("virtio-gpu as QEMU runs it").contains("<model type='virtio'")
                .containsPattern("<graphics type='vnc' port='59\\d\\d' autoport='yes' listen='127.0.0.1'>");
        System.out.printf("BIOS screen in the console %d ms after switching: %dx%d, %d lines of text%n",
                (System.nanoTime() - t0) / 1_000_000, bios.width(), bios.height(), bios.litLines());
        bios.savePng(tmp.resolve("bios.png"));
        JsonNode video = admin.json("GET", "/api/video", null);
        assertThat(video.path("source").asText()).isEqualTo("vm:" + VM);
        assertThat(video.path("state").asText()).isEqualTo("STREAMING");
        if (page != null) {
            page.waitForSelector("#st-source:has-text('" + VM + " (virtual display)')");
            page.waitForSelector("#st-res:has-text('720×400')");
            page.waitForTimeout(1500); // the player's next frames
            // docs/vm-display.png is this picture: -Dpasskvm.writeDocs=true writes it there.
            Path shot = Boolean.getBoolean("passkvm.writeDocs") ? Tools.repository().resolve("docs/vm-display.png")
                    : tmp.resolve("vm-display.png");
            page.screenshot(new Page.ScreenshotOptions().setPath(shot));
            assertThat(chromium.consoleErrors(page)).isEmpty();
        }
    }

    @Test
    @Order(3)
    void escThroughTheConsoleOpensTheBootMenu() throws Exception {
        // "Press ESC for boot menu." is SeaBIOS's third line (after its version and the machine's UUID); a key pressed
        // before it is read by nothing, so under nested emulation Esc is pressed again until the menu shows.
        TextScreen before = awaitScreen(Duration.ofSeconds(120), s -> s.litLines() >= 3, "SeaBIOS's boot-menu prompt");
        TextScreen menu = null;
        long t0 = 0;
        for (int attempt = 0; attempt < 4 && menu == null; attempt++) {
            t0 = System.nanoTime();
            admin.json("POST", "/api/hid/key", Map.of("code", "Escape"));
            try {
                menu = awaitScreen(Duration.ofSeconds(15),
                    s -> s.differingPixels(before) > 200 && s.litLines() > before.litLines(), "the boot menu");
            } catch (Await.TimedOut e) {
                System.out.println("no boot menu 15 s after Esc #" + (attempt + 1));
            }
        }
        assertThat(menu).as("the boot menu after Esc").isNotNull();
        System.out.printf("Esc → boot menu in the console: %d ms (prompt %d lines, menu %d)%n",
                (System.nanoTime() - t0) / 1_000_000, before.litLines(), menu.litLines());
        menu.savePng(tmp.resolve("menu.png"));
    }

    @Test
    @Order(4)
    void aDroppedLinkShowsAReasonScreenAndThePictureReturnsWithIt() throws Exception {
        awaitScreen(Duration.ofSeconds(60), s -> s.litLines() >= 2, "the VM's screen before the link drops");
        // Every sshd goes (the listener and each session: libvirt's link and the console's tunnel), then comes back.
        host.ssh("setsid sh -c 'sleep 1; pkill -x sshd; sleep 15; /usr/sbin/sshd -f /etc/ssh/hostvm_sshd_config' "
                + "</dev/null >/dev/null 2>&1 &");
        JsonNode down = Await.every(Duration.ofMillis(200)).valueOf(Duration.ofSeconds(60),
            () -> admin.json("GET", "/api/video", null), v -> !v.path("state").asText().equals("STREAMING"), "a reason screen");
        System.out.println("link dropped: " + down.path("state").asText() + " — " + down.path("detail").asText());
        assertThat(down.path("state").asText()).isIn("HOST_UNREACHABLE", "NO_SIGNAL");
        long t0 = System.nanoTime();
        Await.every(Duration.ofMillis(500)).valueOf(Duration.ofSeconds(180),
            () -> admin.json("GET", "/api/video", null), v -> v.path("state").asText().equals("STREAMING"), "the picture back");
        System.out.printf("picture back %d ms after the reason screen%n", (System.nanoTime() - t0) / 1_000_000);
        awaitScreen(Duration.ofSeconds(60), s -> s.litLines() >= 2, "the BIOS screen once more");
    }

    @Test
    @Order(5)
    void aDestroyedVmShowsAReasonScreen() throws Exception {
        host.virsh("destroy " + VM);
        JsonNode video = Await.every(Duration.ofMillis(200)).valueOf(Duration.ofSeconds(60),
            () -> admin.json("GET", "/api/video", null), v -> v.path("state").asText().equals("VM_STOPPED"), "the VM-stopped reason");
        assertThat(video.path("detail").asText()).contains(VM, "shut-off");
        assertThat(admin.getBytes("/api/video/snapshot.jpg")).isNotEmpty();
        assertThat(admin.json("GET", "/api/video/sources", null).path("selected").asText()).isEqualTo("vm:" + VM);
    }

    @Test
    @Order(6)
    void aConsoleOnAUnixSocketIsShownThroughAForwardedSocket() throws Exception {
        Path xml = tmp.resolve(VM + "-socket.xml");
        Files.writeString(xml, host.virsh("dumpxml --inactive " + VM)
                .replaceAll("<graphics type='vnc'[\\s\\S]*?</graphics>", "<graphics type='vnc'><listen type='socket'/></graphics>"));
        host.virsh("define " + xml + "; start " + VM);
        String live = host.virsh("dumpxml " + VM);
        assertThat(live).containsPattern("<listen type='socket' socket='/[^']+'/>").doesNotContain("<graphics type='vnc' port=");
        // Still selected since it stopped: the source reopens by itself and now goes through ssh -L.
        TextScreen bios = awaitScreen(Duration.ofSeconds(180), s -> s.litLines() >= 2, "the BIOS through the unix socket");
        JsonNode video = admin.json("GET", "/api/video", null);
        assertThat(video.path("state").asText()).isEqualTo("STREAMING");
        System.out.printf("through the unix socket: %dx%d, %d lines of text%n", bios.width(), bios.height(), bios.litLines());
    }

    private static TextScreen awaitScreen(Duration within, java.util.function.Predicate<TextScreen> done, String what) {
        return Await.every(Duration.ofMillis(250)).valueOf(within, () -> {
            try {
                return TextScreen.of(admin.getBytes("/api/video/snapshot.jpg"));
            } catch (IllegalStateException e) {
                return null; // 503: no picture yet while the source opens
            }
        }, s -> s != null && done.test(s), what);
    }

    private static String runQuietly(String commands) throws Exception {
        try {
            return host.virsh(commands);
        } catch (java.io.IOException e) {
            return e.getMessage();
        }
    }
}
