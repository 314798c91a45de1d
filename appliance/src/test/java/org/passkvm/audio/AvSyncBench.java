package org.passkvm.audio;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;

/**
 * Audio/video sync in Debian's Chromium against the demo appliance: each key typed into the console makes the
 * simulated target redraw its title bar and beep at once, as a real PC's picture and sound change together. The page
 * notes when the changed picture is first seen (a requestAnimationFrame loop reading the title bar's pixels from the
 * shown canvas or img, as {@code PhotonBench} does) and when the beep reaches the speaker (an AnalyserNode tapped
 * where the console's player connects to the output: the beep's first sample, placed on the performance clock through
 * {@code AudioContext.getOutputTimestamp()}, which includes the output latency). The offset is sound minus picture:
 * positive when the sound comes late. The goal: within ±80 ms.
 * Usage: AvSyncBench [presses per video mode, default 60]
 */
public final class AvSyncBench {

    /** Taps the output of whatever node the console connects to the destination; keeps the context at hand. */
    static final String AUDIO_TAP = "(() => { const A = window.AudioContext; if (!A) return;"
            + " window.AudioContext = class extends A { constructor(o) { super(o); window.__ctx = this; } };"
            + " const connect = AudioNode.prototype.connect;"
            + " AudioNode.prototype.connect = function (dest, ...rest) {"
            + "   if (dest === this.context.destination && !window.__analyser) {"
            + "     const a = this.context.createAnalyser(); a.fftSize = 2048; connect.call(this, a); window.__analyser = a; }"
            + "   return connect.call(this, dest, ...rest); }; })()";

    /** Armed before each key: notes the picture's change and the sound's onset, each once, on performance.now(). */
    static final String PROBE = "() => {"
            + " const L = window.__sync = {video: 0, audio: 0, base: null};"
            + " const W = 1150, H = 40, c = document.createElement('canvas'); c.width = W; c.height = H;"
            + " const g = c.getContext('2d', {willReadFrequently: true});"
            + " const sample = () => { g.drawImage(PassKVMVideo.element(), 0, 0, W, H, 0, 0, W, H); return g.getImageData(0, 0, W, H).data; };"
            + " const differs = (a, b) => { let n = 0; for (let i = 0; i < a.length; i += 4) {"
            + "   if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 60 && ++n >= 8) return true; }"
            + "   return false; };"
            + " const buf = new Float32Array(2048);"
            + " L.arm = () => { L.base = sample(); L.video = 0; L.audio = 0; L.armed = performance.now(); };"
            + " const loop = () => {"
            + "   if (L.base && !L.video && differs(sample(), L.base)) L.video = performance.now();"
            + "   if (L.base && !L.audio && window.__analyser) {"
            + "     const ctx = window.__ctx, ts = ctx.getOutputTimestamp(), end = ctx.currentTime;"
            + "     __analyser.getFloatTimeDomainData(buf);"
            + "     const i = buf.findIndex((v) => Math.abs(v) > 0.05);"
            + "     if (i >= 0 && ts.performanceTime > 0) {"
            + "       const onset = end - (buf.length - i) / ctx.sampleRate;"
            + "       L.audio = ts.performanceTime + (onset - ts.contextTime) * 1000; } }"
            + "   requestAnimationFrame(loop); };"
            + " requestAnimationFrame(loop); }";

    private AvSyncBench() {
    }

    public static void main(String[] args) throws Exception {
        int presses = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        Path dir = Files.createTempDirectory("passkvm-avsync");
        List<String> rows = new ArrayList<>();
        try (Chromium chromium = Chromium.launch(List.of("--autoplay-policy=no-user-gesture-required"));
             TestAppliance app = TestAppliance.start(dir)) {
            for (String mode : List.of("h264", "mjpeg")) {
                rows.add(row(mode, run(chromium, app.port(), mode, presses)));
            }
        }
        System.out.println();
        System.out.println("| video | presses | offset p50 | offset p1 / p99 | within ±80 ms |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static List<Double> run(Chromium chromium, int port, String mode, int presses) {
        try (BrowserContext context = chromium.newContext()) {
            if (mode.equals("mjpeg")) {
                context.addInitScript("delete window.VideoDecoder;"); // the console's own fallback path
            }
            context.addInitScript(AUDIO_TAP);
            Page page = chromium.playingConsole(context, port, TestAppliance.PASSWORD, mode);
            page.click("#btn-audio");
            page.waitForFunction("() => PassKVMAudio.stats().state === 'playing' && PassKVMAudio.stats().decoded > 50");
            page.evaluate(PROBE);
            page.focus("#screen");
            List<Double> offsets = new ArrayList<>();
            int[] missed = {0};
            String[] keys = {"KeyA", "Backspace"}; // the last line stays short; both beep and redraw the title bar
            for (int i = 0; i < presses + 5; i++) {
                Double offset = press(page, keys[i % 2], 3_000);
                if (offset == null) {
                    // Counted, not hidden: a press whose picture or beep was never seen has no offset.
                    System.out.println(mode + " press " + i + " missed: " + page.evaluate("() => JSON.stringify({video: __sync.video,"
                            + " audio: __sync.audio, player: PassKVMAudio.stats().state})"));
                    missed[0]++;
                    continue;
                }
                if (i >= 5) { // the first presses warm up both sides
                    offsets.add(offset);
                }
            }
            System.out.println(mode + ": " + missed[0] + " of " + (presses + 5) + " presses missed; sync "
                    + page.evaluate("() => JSON.stringify(PassKVMAudio.stats().sync)"));
            return offsets;
        }
    }

    /**
     * Presses {@code key} in a page with {@link #AUDIO_TAP} and {@link #PROBE} in place and the console focused; returns
     * sound minus picture in ms, or null when either was not seen within {@code timeoutMs}. Then waits past the beep,
     * to a random phase of the source's frame clock.
     */
    static Double press(Page page, String key, int timeoutMs) {
        page.evaluate("() => __sync.arm()");
        page.keyboard().press(key);
        Double offset = null;
        try {
            page.waitForFunction("() => __sync.video > 0 && __sync.audio > 0", null,
                    new Page.WaitForFunctionOptions().setTimeout(timeoutMs));
            offset = ((Number) page.evaluate("() => __sync.audio - __sync.video")).doubleValue();
        } catch (com.microsoft.playwright.PlaywrightException e) {
            // no offset for this press
        }
        page.waitForTimeout(350 + ThreadLocalRandom.current().nextInt(250));
        return offset;
    }

    private static String row(String mode, List<Double> offsets) {
        List<Double> sorted = new ArrayList<>(offsets);
        sorted.sort(null);
        long within = offsets.stream().filter(o -> Math.abs(o) <= 80).count();
        return String.format("| %s | %d | %+.1f ms | %+.1f / %+.1f ms | %d of %d |", mode, offsets.size(),
                at(sorted, 50), at(sorted, 1), at(sorted, 99), within, offsets.size());
    }

    private static double at(List<Double> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p / 100 * (sorted.size() - 1))));
    }
}
