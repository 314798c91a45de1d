package org.passkvm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.TestVm;

/**
 * The target's sound on a real kernel: the appliance in the test VM captures snd-aloop, where FFmpeg plays 1 kHz
 * ({@link AudioKernelScenario}); Chromium outside the VM decodes PassKVM's Opus stream, and the decoded PCM's
 * dominant frequency is 1 kHz. Removing the sound card mid-stream shows "no audio"; loading it again brings the tone
 * back. The same boot carries the microphone the other way: Chromium's fake microphone plays 440 Hz into the
 * console, PassKVM decodes it into its USB gadget's UAC2 card, the kernel's host side (snd-usb-audio over dummy_hcd
 * with isochronous endpoints, {@code testvm module dummy_hcd_iso}) is the target's USB microphone, and arecord there
 * hears 440 Hz. Debian's own dummy_hcd, without isochronous endpoints, then shows a gadget that cannot take the
 * microphone starting without it. One VM boot for the class.
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AudioKernelTest {

    private static final Page.WaitForFunctionOptions MINUTE = new Page.WaitForFunctionOptions().setTimeout(60_000);

    private static Path io;
    private static TestVm.Background vm;
    private static Chromium chromium;
    private static BrowserContext context;
    private static Page page;

    @BeforeAll
    static void boot() throws Exception {
        TestVm.requireTools();
        org.passkvm.testkit.Tools.require("ffmpeg", "chromium", "arecord", "gcc", "make");
        io = Files.createTempDirectory("audio-kernel-io");
        Files.copy(TestVm.module("dummy_hcd_iso"), io.resolve("dummy_hcd.ko"));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        vm = TestVm.start(Duration.ofSeconds(1200), List.of("--forward", Integer.toString(port), "--share", io.toString()),
                TestVm.java("-Dtinylog.writer.level=info", "-cp", TestVm.testClassPath(),
                        AudioKernelScenario.class.getName(), Integer.toString(port), io.toString()));
        Await.until(Duration.ofMinutes(8), () -> {
            if (!vm.isAlive()) {
                throw new AssertionError("the VM ended early:\n" + vm.finish(Duration.ZERO).describe());
            }
            return Files.exists(io.resolve("ready"));
        }, "the appliance in the VM is up");
        Path wav = io.resolve("a440.wav");
        writeTone(wav, 440, 48_000, 2);
        // Chromium's fake microphone plays the 440 Hz file in a loop, and getUserMedia asks nobody.
        chromium = Chromium.launch(List.of("--autoplay-policy=no-user-gesture-required", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + wav, "--use-fake-ui-for-media-stream"));
        context = chromium.newContext();
        page = audioPage(context, port);
        page.evaluate("() => PassKVMAudio.start()");
    }

    /** A logged-in page with only the audio player: the VM's emulated CPU is spared the video. */
    static Page audioPage(BrowserContext context, int port) {
        return audioPage(context, port, "admin", TestAppliance.PASSWORD);
    }

    static Page audioPage(BrowserContext context, int port, String user, String password) {
        Page page = context.newPage();
        page.setDefaultTimeout(120_000);
        page.navigate("https://127.0.0.1:" + port + "/login");
        Object status = page.evaluate("async ([u, pw]) => (await fetch('/api/auth/login', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({user: u, password: pw})})).status",
                List.of(user, password));
        assertThat(status).isEqualTo(200);
        page.evaluate("async () => { document.body.innerHTML = '';"
                + " for (const name of ['api.js', 'audio.js']) await new Promise((ok, fail) => {"
                + " const s = document.createElement('script'); s.src = '/assets/' + name; s.onload = ok;"
                + " s.onerror = () => fail(name + ' did not load'); document.head.appendChild(s); }); }");
        return page;
    }

    @Test
    @Order(1)
    void chromiumOutsideTheVmHearsTheOneKilohertzTone() {
        page.waitForFunction("() => PassKVMAudio.stats().decoded >= 150", null, MINUTE);
        List<Number> heard = AudioBrowserTest.recent(page, 24_000);
        double hz = Tone.dominantHz(heard, 48_000);
        Map<String, Object> stats = AudioBrowserTest.stats(page);
        @SuppressWarnings("unchecked")
        List<Number> latencies = (List<Number>) stats.get("latencies");
        System.out.printf("AUDIO tone %.1f Hz, rms %.3f; capture → decoded latency p50 %.1f ms, p99 %.1f ms over %d packets%n",
                hz, Tone.rms(heard), Tone.percentile(latencies, 50), Tone.percentile(latencies, 99), latencies.size());
        // Where the latency is: a socket of its own, whose first pings travel before any sound queues up on it.
        Object probe = page.evaluate("() => new Promise((ok) => { const ws = new WebSocket(`wss://${location.host}/api/audio/ws`);"
                + " ws.binaryType = 'arraybuffer'; const out = []; let n = 0; const t0 = performance.now();"
                + " const now = () => performance.timeOrigin + performance.now();"
                + " ws.onmessage = (m) => { if (typeof m.data === 'string') { const msg = JSON.parse(m.data);"
                + "   if (msg.type === 'pong') out.push({at: Math.round(performance.now() - t0), rtt: Math.round(now() - msg.t),"
                + "     offset: Math.round(msg.server / 1000 - (msg.t + (now() - msg.t) / 2))}); } else if (n++ % 50 === 0) {"
                + "   const captured = Number(new DataView(m.data).getBigInt64(0)) / 1000; out.push({at: Math.round(performance.now() - t0), packetAgeByServerClock: Math.round(now() - captured)}); } };"
                + " const ping = () => ws.send(JSON.stringify({type: 'ping', t: now()}));"
                + " ws.onopen = () => { ping(); const i = setInterval(ping, 500); setTimeout(() => { clearInterval(i); ws.close(); ok(out); }, 8000); }; })");
        System.out.println("AUDIO probe socket (ms since open): " + probe);
        // Whether the latency is a start-up backlog that drains, or steady: the first and the last packets.
        @SuppressWarnings("unchecked")
        List<Number> received = (List<Number>) stats.get("received");
        System.out.println("AUDIO latency of the first packets " + latencies.subList(0, Math.min(10, latencies.size()))
                + ", of the last " + latencies.subList(Math.max(0, latencies.size() - 10), latencies.size())
                + "; capture → arrived p50 " + Tone.percentile(received, 50) + " ms, p99 " + Tone.percentile(received, 99)
                + " ms, last " + received.subList(Math.max(0, received.size() - 10), received.size()) + "; sync " + stats.get("sync"));
        assertThat(hz).isCloseTo(1000.0, Percentage.withPercentage(2));
        assertThat(stats.get("errors")).asList().isEmpty();
        assertThat(latencies).isNotEmpty();
    }

    @Test
    @Order(2)
    void removingTheSoundCardShowsNoAudioAndItsReturnBringsTheToneBack() throws Exception {
        Files.writeString(io.resolve("unload"), "");
        Await.until(Duration.ofMinutes(2), () -> Files.exists(io.resolve("unloaded"))
                && !Files.readString(io.resolve("unloaded")).isEmpty(), "the card is removed");
        assertThat(Files.readString(io.resolve("unloaded"))).isEqualTo("gone");
        page.waitForFunction("() => PassKVMAudio.stats().state === 'no_audio'", null, MINUTE);
        Object health = page.evaluate("async () => (await (await fetch('/api/health')).json()).capabilities.audio");
        System.out.println("AUDIO health while the card is gone: " + health + "; console: " + AudioBrowserTest.stats(page).get("reason"));
        assertThat(health.toString()).contains("no_audio");

        Files.writeString(io.resolve("reload"), "");
        page.waitForFunction("() => PassKVMAudio.stats().state === 'playing'", null, MINUTE);
        // The card is back before the tone player is (FFmpeg starts slowly on the emulated CPU): wait for the sound.
        page.waitForFunction("() => { const r = PassKVMAudio.recent(4800);"
                + " return Math.sqrt(r.reduce((a, v) => a + v * v, 0) / r.length) > 0.02; }", null, MINUTE);
        List<Number> heard = AudioBrowserTest.heardTone(page, 1000.0, Duration.ofMinutes(1));
        double hz = Tone.dominantHz(heard, 48_000);
        System.out.printf("AUDIO after the reload: %.1f Hz, rms %.3f, %s%n", hz, Tone.rms(heard), AudioBrowserTest.stats(page).get("errors"));
        assertThat(hz).isCloseTo(1000.0, Percentage.withPercentage(2));
    }

    @Test
    @Order(3)
    void theConsolesMicrophoneIsPlayedIntoTheSoundCard() throws Exception {
        page.evaluate("() => new Promise((ok, fail) => { const s = document.createElement('script');"
                + " s.src = '/assets/microphone.js'; s.onload = ok; s.onerror = () => fail('microphone.js did not load');"
                + " document.head.appendChild(s); })");
        page.evaluate("() => PassKVMMicrophone.start()");
        page.waitForFunction("() => PassKVMMicrophone.stats().state === 'on' && PassKVMMicrophone.stats().sent >= 100", null, MINUTE);
        // Nothing on the target records yet: the gadget's card takes no sound, and PassKVM says so (once its first
        // writes have timed out) instead of claiming to stream.
        Await.until(Duration.ofMinutes(1), () -> "not_recording".equals(
                page.evaluate("async () => (await (await fetch('/api/audio')).json()).microphone.state")), "not recording is said");
        Object health = page.evaluate("async () => (await (await fetch('/api/health')).json()).capabilities.audio.details.microphone");
        System.out.println("MIC before the target records: console " + page.evaluate("() => PassKVMMicrophone.stats()")
                + "; health " + health);
        assertThat(health.toString()).contains("state=not_recording").contains("not recording from the USB microphone");

        Files.writeString(io.resolve("record"), "");
        List<String> seen = new java.util.ArrayList<>();
        Await.until(Duration.ofMinutes(1), () -> {
            Object mic = page.evaluate("async () => (await (await fetch('/api/audio')).json()).microphone.state");
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(mic)) {
                seen.add(String.valueOf(mic));
            }
            return Files.exists(io.resolve("recorded")) && !Files.readString(io.resolve("recorded")).isEmpty();
        }, "the target's side recorded");
        System.out.println("MIC states while the target recorded: " + seen);
        assertThat(seen).as("the microphone's states while the target records").contains("streaming");
        String recorded = Files.readString(io.resolve("recorded"));
        System.out.println("MIC the target's USB microphone: " + recorded);
        assertThat(recorded).startsWith("ok\n").contains("PassKVM");
        double[] left = leftChannel(Files.readAllBytes(io.resolve("mic.wav")));
        // The target records before the sound reaches it: PassKVM opens the gadget's card again within a second of
        // the recording starting (until then the card takes nothing), slower under the emulated CPU. So the verdict
        // is on the 200 ms windows that carry sound, at least a second of them: their median frequency. A window
        // with a dropped packet (a 20 ms gap, which the slow CPU causes now and then) shifts only its own peak.
        List<Double> windows = new java.util.ArrayList<>();
        List<Double> silent = new java.util.ArrayList<>();
        for (int at = 0; at + 9_600 <= left.length; at += 9_600) {
            double[] w = java.util.Arrays.copyOfRange(left, at, at + 9_600);
            double rms = Math.sqrt(java.util.Arrays.stream(w).map(v -> v * v).average().orElse(0));
            (rms > 0.02 ? windows : silent).add(Tone.dominantHz(w, 48_000));
        }
        double hz = windows.isEmpty() ? 0 : Tone.percentile(windows, 50);
        System.out.printf("MIC the target recorded %d frames: %.1f Hz over %d windows with sound %s, %d silent; console %s%n",
                left.length, hz, windows.size(), windows, silent.size(), page.evaluate("() => PassKVMMicrophone.stats()"));
        assertThat(windows).as("200 ms windows with sound").hasSizeGreaterThanOrEqualTo(5);
        assertThat(hz).isCloseTo(440.0, Percentage.withPercentage(2));
        page.evaluate("() => PassKVMMicrophone.stop()");
    }

    @Test
    @Order(4)
    void aGadgetThatCannotBindWithTheMicrophoneStartsWithoutItAndSaysSo() throws Exception {
        Files.writeString(io.resolve("gadget"), "");
        Await.until(Duration.ofMinutes(3), () -> Files.exists(io.resolve("gadget-result"))
                && !Files.readString(io.resolve("gadget-result")).isEmpty(), "the gadget appliance answered");
        String result = Files.readString(io.resolve("gadget-result"));
        System.out.println("MIC gadget on dummy_hcd: " + result);
        assertThat(result).startsWith("gadget\n").contains("\"state\":\"no_uac2_card\"", "did not start with the microphone")
                .doesNotContain("usb_f_uac2 missing"); // the module is there: the bind is what fails
    }

    /** A mono 16-bit WAV of a sine at half scale. */
    static void writeTone(Path wav, double hz, int rate, int seconds) throws java.io.IOException {
        int n = rate * seconds;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) Math.round(16_000 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        Files.write(wav, b.array());
    }

    /** The first channel of arecord's stereo 16-bit WAV, as -1..1: the samples after the "data" chunk's header. */
    static double[] leftChannel(byte[] wav) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = 12;
        while (at + 8 <= wav.length && !new String(wav, at, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("data")) {
            at += 8 + b.getInt(at + 4);
        }
        at += 8;
        double[] left = new double[Math.max(0, (wav.length - at) / 4)];
        for (int i = 0; i < left.length; i++) {
            left[i] = b.getShort(at + 4 * i) / 32768.0;
        }
        return left;
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (io != null) {
            Files.writeString(io.resolve("done"), "");
        }
        if (chromium != null) {
            chromium.close();
        }
        if (vm != null) {
            System.out.println("AudioKernelScenario in the test VM:\n" + vm.finish(Duration.ofSeconds(90)).describe());
        }
    }
}
