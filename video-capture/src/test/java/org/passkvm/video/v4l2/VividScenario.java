package org.passkvm.video.v4l2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passkvm.testkit.Await;
import org.passkvm.video.SourceState;
import org.passkvm.video.stream.EncodedFrame;
import org.passkvm.video.stream.StreamSettings;
import org.passkvm.video.stream.VideoStream;

/**
 * Runs inside the test VM (Debian's kernel with vivid): one JVM start for the whole scenario, since
 * starting Java and extracting FFmpeg under emulation takes about a minute. Prints RESULT lines
 * that {@link VividKernelTest} asserts on: frames at two resolutions, a live resolution change,
 * signal loss and return, and an unplug (unbind, rmmod, modprobe) — each with the reason screen
 * seen and the time to recover.
 */
public final class VividScenario {

    record Seen(long atNanos, SourceState state, int width, int height, long ageNanos) {}

    private static final List<Seen> timeline = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        String format = args.length > 0 ? args[0] : "yuyv422";
        sh("v4l2-ctl -d /dev/video0 -i 3"); // HDMI 0; the source selects it again after every reopen
        sh("v4l2-ctl -d /dev/video0 -c dv_timings_signal_mode=0");
        V4l2Settings settings = new V4l2Settings("auto", 3, format, 0, 0, 0);
        StreamSettings streamSettings = new StreamSettings(80, 60, Duration.ofSeconds(5), 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        V4l2Source source = new V4l2Source(settings);
        try (VideoStream stream = new VideoStream(source, streamSettings); var viewer = stream.watch()) {
            Thread watcher = new Thread(() -> watch(stream), "scenario-watcher");
            watcher.setDaemon(true);
            watcher.start();

            long t0 = System.nanoTime();
            long first = waitFor(s -> s.state() == SourceState.STREAMING, t0, 60);
            Seen firstFrame = last();
            result("first_frame_ms", ms(first - t0));
            result("resolution_a", firstFrame.width() + "x" + firstFrame.height());
            Thread.sleep(3000); // time is the subject: frames seen in 3 s
            result("frames_a_3s", count(s -> s.state() == SourceState.STREAMING && s.atNanos() > first));
            // vivid sends 60 fps and the emulated encoder manages far fewer: what is shown must still be fresh
            result("frame_age_a_median_ms", ms(medianAge(s -> s.state() == SourceState.STREAMING && s.atNanos() > first)));
            result("status_a", stream.status().toString());

            long corrupt = System.nanoTime();
            for (int i = 0; i < 10; i++) { // the driver flags a buffer as bad, as USB dongles do now and then
                sh("v4l2-ctl -d /dev/video0 -c inject_v4l2_buf_flag_error=1");
                Thread.sleep(100); // paced: one bad buffer at a time
            }
            Thread.sleep(1000); // time is the subject: what is shown in the second after the bad buffers
            result("bad_buffers_reason_screens", count(s -> s.atNanos() > corrupt && s.state() != SourceState.STREAMING));
            result("bad_buffers_frames", count(s -> s.atNanos() > corrupt && s.state() == SourceState.STREAMING));

            int index = timingsIndex(640, 480);
            sh("v4l2-ctl -d /dev/video0 -c dv_timings=" + index);
            long change = System.nanoTime();
            sh("v4l2-ctl -d /dev/video0 -c dv_timings_signal_mode=4");
            long changed = waitFor(s -> s.state() == SourceState.STREAMING && s.width() == 640, change, 60);
            result("resolution_b", last().width() + "x" + last().height());
            result("resolution_change_reason_seen", seen(SourceState.RESOLUTION_CHANGE, change));
            result("resolution_change_ms", ms(changed - change));
            Thread.sleep(3000); // time is the subject: frames seen in 3 s
            result("frames_b_3s", count(s -> s.state() == SourceState.STREAMING && s.width() == 640 && s.atNanos() > changed));

            long lost = System.nanoTime();
            sh("v4l2-ctl -d /dev/video0 -c dv_timings_signal_mode=1");
            long reason = waitFor(s -> s.state() == SourceState.NO_SIGNAL, lost, 30);
            result("no_signal_screen_ms", ms(reason - lost));
            result("no_signal_screen_size", last().width() + "x" + last().height());
            Thread.sleep(2500); // time is the subject: reason screens repeated while retrying over 2.5 s
            result("no_signal_screens", count(s -> s.state() == SourceState.NO_SIGNAL && s.atNanos() > reason));
            result("status_no_signal", stream.status().toString());
            long back = System.nanoTime();
            sh("v4l2-ctl -d /dev/video0 -c dv_timings_signal_mode=4");
            long recovered = waitFor(s -> s.state() == SourceState.STREAMING && s.atNanos() > back, back, 30);
            result("signal_recovery_ms", ms(recovered - back));

            long unplug = System.nanoTime();
            sh("echo vivid.0 > /sys/bus/platform/drivers/vivid/unbind");
            long gone = waitFor(s -> s.state() == SourceState.NO_DEVICE, unplug, 30);
            result("no_device_screen_ms", ms(gone - unplug));
            Thread.sleep(1500); // time is the subject: within 1.5 s of the unplug the device must be released for rmmod
            result("rmmod", sh("rmmod vivid && echo ok"));
            long replug = System.nanoTime();
            sh("modprobe vivid");
            long again = waitFor(s -> s.state() == SourceState.STREAMING && s.atNanos() > replug, replug, 60);
            result("replug_recovery_ms", ms(again - replug));
            result("resolution_after_replug", last().width() + "x" + last().height());
            result("buffers_created", stream.buffersCreated());
        }
        result("done", "true");
        System.exit(0);
    }

    private static void watch(VideoStream stream) {
        long seen = 0;
        try {
            while (true) {
                EncodedFrame f = stream.jpeg().awaitNewer(seen, 1, TimeUnit.SECONDS);
                if (f == null) {
                    continue;
                }
                seen = f.sequence();
                synchronized (timeline) {
                    long now = System.nanoTime();
                    timeline.add(new Seen(now, f.state(), f.width(), f.height(), now - f.captureNanos()));
                }
                f.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** When the first frame since {@code after} that matches was seen (the time it was seen, not when we looked). */
    private static long waitFor(Predicate<Seen> what, long after, int seconds) {
        try {
            return Await.value(Duration.ofSeconds(seconds), () -> {
                synchronized (timeline) {
                    return timeline.stream().filter(s -> s.atNanos() >= after && what.test(s)).findFirst();
                }
            }, Optional::isPresent, "a matching frame").orElseThrow().atNanos();
        } catch (Await.TimedOut e) {
            result("timeout", "waiting since " + ms(System.nanoTime() - after) + " ms; last " + last());
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (t.getName().startsWith("video")) {
                    System.out.println("THREAD " + t.getName() + " " + t.getState());
                    for (StackTraceElement el : stack) {
                        System.out.println("    at " + el);
                    }
                }
            });
            System.exit(3);
            throw e;
        }
    }

    private static Seen last() {
        synchronized (timeline) {
            return timeline.get(timeline.size() - 1);
        }
    }

    private static boolean seen(SourceState state, long after) {
        synchronized (timeline) {
            return timeline.stream().anyMatch(s -> s.atNanos() >= after && s.state() == state);
        }
    }

    private static long count(Predicate<Seen> what) {
        synchronized (timeline) {
            return timeline.stream().filter(what).count();
        }
    }

    private static long medianAge(Predicate<Seen> what) {
        synchronized (timeline) {
            long[] ages = timeline.stream().filter(what).mapToLong(Seen::ageNanos).sorted().toArray();
            return ages.length == 0 ? Long.MAX_VALUE : ages[ages.length / 2];
        }
    }

    /** The dv_timings menu index of a progressive mode of that size at about 60 Hz. */
    private static int timingsIndex(int width, int height) throws IOException, InterruptedException {
        String menu = sh("v4l2-ctl -d /dev/video0 -L");
        Matcher m = Pattern.compile("(\\d+): " + width + "x" + height + "p(\\d+)").matcher(menu);
        int best = -1;
        while (m.find()) {
            if (best < 0 || m.group(2).startsWith("60")) {
                best = Integer.parseInt(m.group(1));
            }
        }
        if (best < 0) {
            throw new IllegalStateException("no " + width + "x" + height + " in\n" + menu);
        }
        return best;
    }

    static String sh(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        System.out.println("$ " + command + " -> " + p.exitValue() + (out.isBlank() ? "" : "\n" + out.strip()));
        return out;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
        System.out.flush();
    }
}
