package org.passkvm.vmdisplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.KeyCodes;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.Typist;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;
import org.passkvm.vnc.RecordingHid;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;

/**
 * The VM display source against a real QEMU on this machine (SeaBIOS, no disk, the VNC console on a unix socket):
 * the RFB client's handshake, pixel format and encodings as QEMU speaks them, the BIOS screen in the frames, a key
 * as a QEMU extended key event, and a VM that exits. The SSH tunnel to a real host is {@code VmDisplayHostTest}'s.
 */
class LocalQemuDisplayTest {

    @TempDir
    Path tmp;

    private Process qemu;
    private VmDisplaySource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        if (qemu != null) {
            qemu.destroyForcibly();
        }
    }

    @Test
    void showsTheBiosScreenAndEscOpensTheBootMenu() throws Exception {
        Path socket = startQemu();
        source = new VmDisplaySource("local", connector(socket), 30);
        source.open();
        TextScreen banner = Await.value(Duration.ofSeconds(60), () -> TextScreen.of(source.grab()),
                s -> s.litLines() >= 2, "SeaBIOS's banner on the screen");
        banner.savePng(tmp.resolve("banner.png"));
        assertThat(banner.width()).isEqualTo(720);
        assertThat(banner.height()).isEqualTo(400);

        // Esc as the console types it: through HidInput and the input route, which sends it to the shown VM.
        RecordingHid toTheHdmiSide = new RecordingHid();
        InputRoute route = new InputRoute(toTheHdmiSide);
        route.follow(() -> source);
        new HidInput(route).tap(KeyCodes.usage("Escape").orElseThrow());
        TextScreen menu = Await.value(Duration.ofSeconds(30), () -> TextScreen.of(source.grab()),
                s -> s.differingPixels(banner) > 200 && s.litLines() > banner.litLines(), "the boot menu after Esc");
        menu.savePng(tmp.resolve("menu.png"));
        assertThat(toTheHdmiSide.untouched()).as("nothing typed into the GPU holder while a VM's display is shown").isTrue();
        System.out.printf("banner %d lit lines, boot menu %d%n", banner.litLines(), menu.litLines());
    }

    @Test
    void aDigitPastedIntoTheBootMenuPicksItsEntry() throws Exception {
        Path socket = startQemu("-drive", "if=ide,media=cdrom");
        source = new VmDisplaySource("local", connector(socket), 30);
        source.open();
        TextScreen banner = Await.value(Duration.ofSeconds(60), () -> TextScreen.of(source.grab()),
                s -> s.litLines() >= 2, "SeaBIOS's banner on the screen");
        InputRoute route = new InputRoute(new RecordingHid());
        route.follow(() -> source);
        HidInput input = new HidInput(route);
        input.tap(KeyCodes.usage("Escape").orElseThrow());
        TextScreen menu = Await.value(Duration.ofSeconds(30), () -> TextScreen.of(source.grab()),
                s -> s.differingPixels(banner) > 200 && s.litLines() > banner.litLines(), "the boot menu after Esc");
        // "1. Legacy option rom", "2. DVD/CD [AHCI/0: QEMU DVD-ROM …]": paste types the digit as keys, as it would into
        // the HDMI side.
        try (Typist typist = new Typist(input, Typist.Settings.DEFAULT)) {
            typist.start("2", Layout.byName("us"), null, false);
            TextScreen booting = Await.value(Duration.ofSeconds(30), () -> TextScreen.of(source.grab()),
                    s -> s.differingPixels(menu) > 200, "the menu gone after the pasted 2 (booting from the empty CD drive)");
            booting.savePng(tmp.resolve("booting.png"));
            System.out.printf("boot menu %d lit lines; after the pasted 2, %d%n", menu.litLines(), booting.litLines());
        }
    }

    @Test
    void aVmThatExitsIsReportedAsStopped() throws Exception {
        Path socket = startQemu();
        source = new VmDisplaySource("local", connector(socket), 30);
        source.open();
        RawFrame first = source.grab();
        assertThat(first.width()).isPositive();
        qemu.destroyForcibly().waitFor();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                source.grab();
            }
        }).isInstanceOf(SourceException.class).satisfies(e ->
                assertThat(((SourceException) e).state()).isEqualTo(SourceState.VM_STOPPED));
    }

    private VmDisplaySource.Connector connector(Path socket) {
        return new VmDisplaySource.Connector() {
            @Override
            public Tunnel open() throws SourceException {
                try {
                    return new UnixTunnel(socket);
                } catch (IOException e) {
                    throw lost(e.getMessage());
                }
            }

            @Override
            public SourceException lost(String detail) {
                return new SourceException(qemu.isAlive() ? SourceState.ERROR : SourceState.VM_STOPPED, detail);
            }
        };
    }

    private Path startQemu(String... extra) throws Exception {
        Tools.require("qemu-system-x86_64", "/usr/share/seabios/bios-256k.bin");
        Path socket = tmp.resolve("vnc.sock");
        List<String> cmd = new java.util.ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-M", "q35", "-m", "64",
                "-nodefaults", "-vga", "std", "-display", "none", "-vnc", "unix:" + socket, "-boot", "menu=on,splash-time=30000",
                "-no-reboot", "-serial", "none", "-monitor", "none"));
        cmd.addAll(List.of(extra));
        qemu = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("qemu.log").toFile()).start();
        Await.until(Duration.ofSeconds(20), () -> Files.exists(socket), "QEMU's VNC socket");
        return socket;
    }
}
