package org.passkvm.video;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.simulator.SimulatedTarget;
import org.passkvm.video.encode.H264Encoder;
import org.passkvm.video.encode.JpegEncoder;

/**
 * Keypress to photon in Debian's Chromium against the demo appliance on loopback: a key pressed through Playwright
 * on the console → HID report → the simulated target redraws its title bar ("keys N") → capture → encode → stream →
 * decoded and shown in the page. The page takes performance.now() in a capture-phase keydown listener on window,
 * which runs right before the console's own keydown handler sends the key; a requestAnimationFrame loop then reads
 * the title bar's pixels from the shown picture (the H.264 canvas, or the MJPEG img) until they change.
 * (requestVideoFrameCallback needs a video element; the console shows neither stream in one.)
 * The floor beside the figures is measured in the same run: the source's frame interval plus the encode time of a
 * changed 1280×720 demo frame with the appliance's default encoder settings.
 * Usage: PhotonBench [presses per mode, default 200]
 */
public final class PhotonBench {

    /** The title bar left of the clock, in source pixels: it changes on every key press and on nothing else here. */
    private static final String PROBE = "() => {"
            + " const L = window.__photon = {t0: 0, done: 0, base: null};"
            + " const W = 1150, H = 40, c = document.createElement('canvas'); c.width = W; c.height = H;"
            + " const g = c.getContext('2d', {willReadFrequently: true});"
            + " L.sample = () => { g.drawImage(PassKVMVideo.element(), 0, 0, W, H, 0, 0, W, H); return g.getImageData(0, 0, W, H).data; };"
            + " L.arm = () => { L.base = L.sample(); L.t0 = 0; L.done = 0; };"
            + " window.addEventListener('keydown', () => { if (L.base && !L.t0) L.t0 = performance.now(); }, true);"
            // A changed glyph moves hundreds of pixels by a lot; encoder noise moves a few by a little.
            + " const differs = (a, b) => { let n = 0; for (let i = 0; i < a.length; i += 4) {"
            + "   if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 60 && ++n >= 8) return true; }"
            + "   return false; };"
            + " const loop = () => { if (L.t0 && !L.done && differs(L.sample(), L.base)) L.done = performance.now();"
            + "   requestAnimationFrame(loop); };"
            + " requestAnimationFrame(loop); }";

    /**
     * Notes when each H.264 access unit reaches the decoder and when its picture comes out, by its timestamp (the
     * capture time in µs on the server's monotonic clock), for the breakdown.
     */
    private static final String DECODER_TIMES = "(() => { const D = window.VideoDecoder; if (!D) return; const C = window.__chunks = [];"
            + " window.VideoDecoder = class extends D {"
            + "  constructor(init) { const out = init.output; super(Object.assign({}, init, {output: (f) => {"
            + "    const c = C.find((x) => x.ts === f.timestamp && !x.out); if (c) c.out = performance.now(); out(f); }})); }"
            + "  decode(chunk) { C.push({ts: chunk.timestamp, at: performance.now()}); if (C.length > 600) C.splice(0, 300);"
            + "    return super.decode(chunk); } }; })()";

    /** Where a press's time went, each in ms; NaN where the mode cannot tell. */
    record Stages(double hid, double waitFrame, double encodeSend, double decode, double show) {
    }

    private PhotonBench() {
    }

    public static void main(String[] args) throws Exception {
        int presses = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("passkvm-photon");
        List<String> rows = new ArrayList<>();
        try (Chromium chromium = Chromium.launch(); TestAppliance app = TestAppliance.start(dir)) {
            // When each key landed on the target, on the wall clock the page's timeOrigin also uses.
            AtomicLong landed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread poller = new Thread(() -> {
                long seen = app.target().state().keystrokes();
                while (!stop.get()) {
                    long k = app.target().state().keystrokes();
                    if (k != seen) {
                        seen = k;
                        landed.set(EPOCH_OFFSET_NANOS + System.nanoTime());
                    }
                    LockSupport.parkNanos(100_000);
                }
            }, "keystroke-poller");
            poller.setDaemon(true);
            poller.start();
            for (String mode : List.of("h264", "mjpeg")) {
                List<Stages> stages = new ArrayList<>();
                List<Double> ms = run(chromium, app.port(), mode, presses, landed, stages);
                rows.add(row(mode, ms));
                rows.add(breakdown(mode, stages));
                rows.add(slowest(mode, ms, stages));
            }
            stop.set(true);
        }
        Floor floor = floor(100);
        System.out.println();
        System.out.printf("floor: source frame interval %.1f ms (measured); encode of a changed 1280x720 frame p50/p99:"
                + " H.264 %.1f/%.1f ms, JPEG q80 %.1f/%.1f ms%n", floor.intervalMs, floor.h264[0], floor.h264[1],
                floor.jpeg[0], floor.jpeg[1]);
        System.out.printf("floor H.264 %.1f ms, MJPEG %.1f ms; goals p50 <= %.1f ms, p99 <= %.1f ms%n",
                floor.intervalMs + floor.h264[0], floor.intervalMs + floor.jpeg[0], floor.intervalMs + 15, 2 * floor.intervalMs + 15);
        rows.forEach(System.out::println);
    }

    /** The JVM's monotonic clock to wall-clock nanoseconds, as the page's performance.timeOrigin counts. */
    private static final long EPOCH_OFFSET_NANOS = epochOffset();

    private static long epochOffset() {
        java.time.Instant now = java.time.Instant.now();
        long mono = System.nanoTime();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono;
    }

    private static List<Double> run(Chromium chromium, int port, String mode, int presses, AtomicLong landed, List<Stages> stages) {
        try (BrowserContext context = chromium.newContext()) {
            if (mode.equals("mjpeg")) {
                context.addInitScript("delete window.VideoDecoder;"); // the console's own fallback path
            } else {
                context.addInitScript(DECODER_TIMES);
            }
            Page page = chromium.playingConsole(context, port, TestAppliance.PASSWORD, mode);
            page.evaluate(PROBE);
            page.focus("#screen");
            List<Double> ms = new ArrayList<>();
            String[] keys = {"KeyA", "Backspace"}; // the last line stays short; both count as a key on the target
            for (int i = 0; i < presses + 10; i++) {
                page.evaluate("() => __photon.arm()");
                page.keyboard().press(keys[i % 2]);
                page.waitForFunction("() => __photon.done > 0", null, new Page.WaitForFunctionOptions().setTimeout(5_000));
                double latency = ((Number) page.evaluate("() => __photon.done - __photon.t0")).doubleValue();
                if (i >= 10) { // the first presses warm up the JIT on both sides
                    ms.add(latency);
                    stages.add(stages(page, landed.get()));
                }
                // A random pause so the presses fall on every phase of the source's frame clock.
                page.waitForTimeout(120 + ThreadLocalRandom.current().nextInt(120));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> stats = (Map<String, Object>) page.evaluate("() => PassKVMVideo.stats()");
            System.out.println(mode + ": " + stats);
            return ms;
        }
    }

    /**
     * Splits one press: page keydown → key on the target (HID path) → the next capture (waiting for the source's
     * frame) → access unit at the decoder (encode, queue, TLS, WebSocket) → picture out of WebCodecs → seen by the
     * rAF loop (canvas draw and the wait for the next animation frame). MJPEG's img shows none of its inner steps.
     */
    @SuppressWarnings("unchecked")
    private static Stages stages(Page page, long landedEpochNanos) {
        Map<String, Object> p = (Map<String, Object>) page.evaluate("() => ({origin: performance.timeOrigin, t0: __photon.t0,"
                + " done: __photon.done, chunks: window.__chunks ? __chunks.slice(-60) : []})");
        double origin = ((Number) p.get("origin")).doubleValue();
        double t0 = ((Number) p.get("t0")).doubleValue();
        double done = ((Number) p.get("done")).doubleValue();
        double landedMs = landedEpochNanos / 1e6 - origin; // on the page's performance.now() scale
        double hid = landedMs - t0;
        for (Map<String, Object> c : (List<Map<String, Object>>) p.get("chunks")) {
            double captured = (((Number) c.get("ts")).doubleValue() * 1000 + EPOCH_OFFSET_NANOS) / 1e6 - origin;
            if (captured >= landedMs && c.get("out") != null) {
                double at = ((Number) c.get("at")).doubleValue();
                double out = ((Number) c.get("out")).doubleValue();
                return new Stages(hid, captured - landedMs, at - captured, out - at, done - out);
            }
        }
        return new Stages(hid, Double.NaN, Double.NaN, Double.NaN, done - landedMs);
    }

    private static String breakdown(String mode, List<Stages> all) {
        return String.format("%-5s median ms: key to target %.1f | wait for capture %s | encode+send %s | decode %s | %s %.1f",
                mode, median(all, Stages::hid), fmt(median(all, Stages::waitFrame)), fmt(median(all, Stages::encodeSend)),
                fmt(median(all, Stages::decode)), mode.equals("h264") ? "draw+rAF" : "key on target to seen",
                median(all, Stages::show));
    }

    /** The tail, press by press: which step the slowest presses spent their time in. */
    private static String slowest(String mode, List<Double> ms, List<Stages> stages) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(ms.get(b), ms.get(a)));
        StringBuilder out = new StringBuilder(mode + " slowest (total = key to target + wait + encode+send + decode + rest):");
        for (int i : order.subList(0, Math.min(4, order.size()))) {
            Stages s = stages.get(i);
            out.append(String.format("%n  %.0f = %.1f + %s + %s + %s + %.1f", ms.get(i), s.hid(), fmt(s.waitFrame()),
                    fmt(s.encodeSend()), fmt(s.decode()), s.show()));
        }
        return out.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f", v);
    }

    private static double median(List<Stages> all, java.util.function.ToDoubleFunction<Stages> stage) {
        List<Double> v = new ArrayList<>();
        all.forEach(s -> v.add(stage.applyAsDouble(s)));
        v.removeIf(d -> Double.isNaN(d));
        Collections.sort(v);
        return v.isEmpty() ? Double.NaN : pct(v, 50);
    }

    private static String row(String mode, List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format("%-5s %d presses: p50 %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms", mode, s.size(),
                pct(s, 50), pct(s, 99), s.get(0), s.get(s.size() - 1));
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    record Floor(double intervalMs, double[] h264, double[] jpeg) {
    }

    /**
     * The source's own frame interval and the encoders' time for a frame that changed, with the appliance's defaults
     * (quality 80 on one thread; H.264 auto at 4000 kbit/s, GOP 120), on a second demo target in this JVM.
     */
    private static Floor floor(int frames) throws Exception {
        SimulatedTarget target = new SimulatedTarget(true, 0);
        try (JpegEncoder jpeg = new JpegEncoder(80, 1); H264Encoder h264 = new H264Encoder("auto", 4000, 120, 0)) {
            target.screen().open();
            List<Double> intervals = new ArrayList<>();
            List<Double> jpegMs = new ArrayList<>();
            List<Double> h264Ms = new ArrayList<>();
            long last = 0;
            for (int i = 0; i < frames + 10; i++) {
                // A and B in turn, each report a new press: every frame has a new "keys N" and a new letter.
                target.receiveKeyboard(KeyboardReport.of(0, i % 2 == 0 ? 0x04 : 0x05).toBytes());
                RawFrame f = target.screen().grab();
                long now = System.nanoTime();
                if (i >= 10) {
                    intervals.add((now - last) / 1e6);
                    jpegMs.add(time(jpeg::encode, f));
                    h264Ms.add(time(h264::encode, f));
                }
                last = now; // grab to grab: the source's own pace while both encoders keep up
            }
            Collections.sort(intervals);
            return new Floor(median(intervals), p50p99(h264Ms), p50p99(jpegMs));
        } finally {
            target.close();
        }
    }

    private static double time(ToIntFunction<RawFrame> encode, RawFrame f) {
        long t = System.nanoTime();
        encode.applyAsInt(f);
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(List<Double> sorted) {
        return pct(sorted, 50);
    }

    private static double[] p50p99(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return new double[] {pct(s, 50), pct(s, 99)};
    }
}
