package org.passkvm.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.passkvm.appliance.TestAppliance;

/**
 * Runs inside the test VM for {@link AudioKernelTest}: snd-aloop is the HDMI dongle's sound card, FFmpeg plays a
 * 1 kHz tone into its playback side, and the appliance captures the other side ({@code hw:Loopback,1,0}) for a
 * browser outside the VM. The appliance is also the target's USB keyboard, mice and microphone: its composite gadget,
 * with the UAC2 function, is bound to dummy_hcd with isochronous endpoints ({@code dummy_hcd.ko} in the shared folder,
 * built by {@code testvm module dummy_hcd_iso}), and the kernel's host side enumerates it with snd-usb-audio, as the
 * target PC would; arecord on that card is the target recording from its microphone. The test steers it through
 * files in a shared folder: {@code unload} (stop the tone, unbind the card under the open capture as an unplug does,
 * and remove the module), {@code reload}, {@code record} (arecord from the target's USB microphone into mic.wav),
 * {@code gadget} (Debian's own dummy_hcd, which moves no isochronous data, back in place), {@code done}; each step
 * answers with a file of its own.
 */
public final class AudioKernelScenario {

    static final String CONFIG = "video:\n  source: demo\nhid:\n  output: gadget\nmedia:\n  output: none\n"
            + "audio:\n  source: alsa\n  device: \"hw:Loopback,1,0\"\n  retry_ms: 300\n  microphone: true\n"
            // Parts nothing here checks, which the VM's emulated CPU took minutes to start.
            + "vm:\n  uri: off\nvnc:\n  port: 0\n";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path io = Path.of(args[1]);
        sh("modprobe snd_aloop");
        sh("modprobe usb_f_uac2");
        sh("modprobe snd_usb_audio");
        if (sh("rmmod dummy_hcd && insmod " + io.resolve("dummy_hcd.ko")) != 0) {
            throw new IllegalStateException("dummy_hcd with isochronous endpoints did not load");
        }
        Process tone = tone();
        TestAppliance app = TestAppliance.startForOutside(Files.createTempDirectory("audio-kernel"), CONFIG, port);
        Files.writeString(io.resolve("ready"), "");
        System.out.println("AUDIO scenario ready on port " + port);
        while (true) {
            if (take(io, "unload")) {
                tone.destroy();
                tone.waitFor(10, TimeUnit.SECONDS);
                // An unplugged USB card disappears under its open streams; unbinding does the same to the loopback.
                sh("echo snd_aloop.0 > /sys/bus/platform/drivers/snd_aloop/unbind");
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (sh("rmmod snd_aloop") != 0 && System.nanoTime() < until) {
                    Thread.sleep(200);
                }
                Files.writeString(io.resolve("unloaded"), Files.exists(Path.of("/proc/asound/Loopback")) ? "still there" : "gone");
            } else if (take(io, "reload")) {
                sh("modprobe snd_aloop");
                tone = tone();
                Files.writeString(io.resolve("reloaded"), "");

            } else if (take(io, "record")) {
                Files.writeString(io.resolve("recorded"), record(io.resolve("mic.wav")));
            } else if (take(io, "gadget")) {
                app.close();
                sh("rmmod dummy_hcd; modprobe dummy_hcd");
                Files.writeString(io.resolve("gadget-result"), gadgetWithMicrophone());
            } else if (take(io, "done")) {
                tone.destroy();
                app.close();
                System.out.println("AUDIO scenario done");
                System.exit(0);
            }
            Thread.sleep(100);
        }
    }

    /** FFmpeg's sine source into the loopback's playback side: ALSA paces it, so it plays in real time, forever. */
    private static Process tone() throws IOException {
        return new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi",
                "-i", "sine=frequency=1000:sample_rate=48000", "-ac", "2", "-f", "alsa", "hw:Loopback,0,0")
                .inheritIO().start();
    }

    /**
     * A second appliance with keyboard, mice and the USB microphone on Debian's dummy_hcd, which has no isochronous
     * endpoints (as a UDC without them): the gadget must start without the microphone and say so. Answers its HID
     * health and microphone status.
     */
    private static String gadgetWithMicrophone() throws IOException {
        try (TestAppliance app = TestAppliance.start(Files.createTempDirectory("audio-gadget"),
                "video:\n  source: demo\nhid:\n  output: gadget\nmedia:\n  output: none\naudio:\n  source: demo\n"
                        + "  microphone: true\nvm:\n  uri: off\nvnc:\n  port: 0\n")) {
            return app.admin().json("GET", "/api/health", null).path("capabilities").path("hid").path("implementation").asText()
                    + "\n" + app.admin().json("GET", "/api/audio", null).path("microphone");
        } catch (RuntimeException | IOException e) {
            return "failed: " + e;
        }
    }

    /**
     * The target's side: records 6 s from the USB microphone snd-usb-audio made of the gadget (the card whose line in
     * /proc/asound/cards says it sits on dummy_hcd). Answers "ok" and that line.
     */
    private static String record(Path wav) throws IOException, InterruptedException {
        String card = null;
        for (String line : Files.readAllLines(Path.of("/proc/asound/cards"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+) \\[").matcher(line);
            if (m.find()) {
                card = m.group(1);
            } else if (line.contains("usb-dummy_hcd") && card != null) {
                int rc = sh("arecord -q -D hw:" + card + ",0 -f S16_LE -r 48000 -c 2 -d 6 " + wav);
                return rc == 0 ? "ok\n" + line.strip() : "arecord failed (" + rc + ")";
            }
        }
        return "no USB microphone on the host side:\n" + Files.readString(Path.of("/proc/asound/cards"));
    }

    private static boolean take(Path io, String name) throws IOException {
        return Files.deleteIfExists(io.resolve(name));
    }

    private static int sh(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        return p.waitFor();
    }
}
