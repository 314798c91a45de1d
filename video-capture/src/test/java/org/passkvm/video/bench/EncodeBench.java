package org.passkvm.video.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.encode.H264Encoder;
import org.passkvm.video.encode.JpegEncoder;

/**
 * JPEG and H.264 encode speed of PassKVM's encoders against the ffmpeg program built from the
 * same FFmpeg libraries (the one JavaCPP ships), side by side in one run, on the same 1080p YUYV
 * frames (testsrc2), with the same number of encoder threads. Usage: EncodeBench [frames] [rounds] [threads].
 * Run it under {@code taskset -c 0} to hold both to one core: the CLI otherwise converts pixels on
 * a thread of its own even with {@code -threads 1}.
 */
public final class EncodeBench {

    static final int W = 1920;
    static final int H = 1080;
    static final int DISTINCT = 16;

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String threads = args.length > 2 ? args[2] : "1";
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        Path raw = Path.of(System.getProperty("java.io.tmpdir"), "passkvm-bench-1080.yuyv");
        if (!Files.exists(raw) || Files.size(raw) != (long) W * H * 2 * DISTINCT) {
            run(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=" + W + "x" + H + ":rate=30", "-frames:v", Integer.toString(DISTINCT),
                    "-pix_fmt", "yuyv422", "-f", "rawvideo", raw.toString()));
        }
        List<ByteBuffer> pictures = load(raw);
        System.out.printf("%d frames of %dx%d YUYV per run, %d rounds, %s encoder thread(s), %d CPUs available, %s%n",
                frames, W, H, rounds, threads, Runtime.getRuntime().availableProcessors(), ffmpeg);
        String loops = Integer.toString(frames / DISTINCT - 1);
        List<String> jpegCli = List.of(ffmpeg, "-hide_banner", "-nostats", "-loglevel", "info", "-threads", "1",
                "-color_range", "pc", "-f", "rawvideo", "-pix_fmt", "yuyv422", "-s", W + "x" + H, "-stream_loop", loops,
                "-i", raw.toString(), "-pix_fmt", "yuv422p", "-color_range", "pc", "-c:v", "mjpeg", "-q:v", "3.2",
                "-threads", threads, "-f", "null", "-");
        List<String> x264Cli = List.of(ffmpeg, "-hide_banner", "-nostats", "-loglevel", "info", "-threads", "1",
                "-f", "rawvideo", "-pix_fmt", "yuyv422", "-s", W + "x" + H, "-stream_loop", loops,
                "-i", raw.toString(), "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-tune",
                "zerolatency", "-profile:v", "baseline", "-b:v", "4000k", "-maxrate", "4000k", "-bufsize", "2000k",
                "-g", "120", "-bf", "0", "-forced-idr", "1", "-threads", threads, "-f", "null", "-");
        for (int r = 1; r <= rounds; r++) {
            report(r, "JPEG q80 (qscale 3.2)", jpeg(pictures, frames, Integer.parseInt(threads)), cli(jpegCli, frames));
            report(r, "H.264 x264 ultrafast", h264(pictures, frames, Integer.parseInt(threads)), cli(x264Cli, frames));
        }
    }

    /** Frames per second of wall time, and CPU milliseconds per frame (all threads of the process). */
    record Speed(double fps, double cpuMsPerFrame) {}

    static void report(int round, String what, Speed ours, Speed cli) {
        System.out.printf("round %d  %-22s PassKVM %6.1f fps %5.2f ms CPU/frame | ffmpeg CLI %6.1f fps %5.2f ms CPU/frame"
                + " | fps ratio %.2f, CPU ratio %.2f%n", round, what, ours.fps(), ours.cpuMsPerFrame(), cli.fps(),
                cli.cpuMsPerFrame(), ours.fps() / cli.fps(), cli.cpuMsPerFrame() / ours.cpuMsPerFrame());
    }

    static Speed jpeg(List<ByteBuffer> pictures, int frames, int threads) {
        try (JpegEncoder encoder = new JpegEncoder(80, threads)) {
            byte[] out = new byte[4 << 20];
            encoder.encode(frame(pictures, 0, 0)); // open outside the timing, as the CLI's setup is not in its rate either
            long start = System.nanoTime();
            long cpu = processCpuNanos();
            for (int i = 0; i < frames; i++) {
                int n = encoder.encode(frame(pictures, i, i));
                encoder.copyTo(out);
                if (n <= 0) {
                    throw new IllegalStateException();
                }
            }
            return new Speed(frames * 1e9 / (System.nanoTime() - start), (processCpuNanos() - cpu) / 1e6 / frames);
        }
    }

    static Speed h264(List<ByteBuffer> pictures, int frames, int threads) {
        try (H264Encoder encoder = new H264Encoder("libx264", 4000, 120, threads)) {
            byte[] out = new byte[8 << 20];
            encoder.encode(frame(pictures, 0, 0));
            long start = System.nanoTime();
            long cpu = processCpuNanos();
            for (int i = 1; i <= frames; i++) {
                if (encoder.encode(frame(pictures, i, i)) > 0) {
                    encoder.copyTo(out, 0);
                }
            }
            return new Speed(frames * 1e9 / (System.nanoTime() - start), (processCpuNanos() - cpu) / 1e6 / frames);
        }
    }

    static RawFrame frame(List<ByteBuffer> pictures, int i, long n) {
        return new RawFrame(PixelFormat.YUYV, W, H, W * 2, pictures.get(i % pictures.size()).duplicate(),
                1_000_000_000L + n * 33_333_333L);
    }

    /**
     * The CLI's frame rate and CPU time from -benchmark: rtime is its transcoding loop without the
     * program's start-up, as PassKVM's figure leaves out opening the encoder; utime + stime cover all
     * its threads (FFmpeg's CLI runs demuxing, conversion and encoding on separate threads).
     */
    static Speed cli(List<String> command, int frames) throws IOException, InterruptedException {
        List<String> withBench = new ArrayList<>(command);
        withBench.add(1, "-benchmark");
        String out = run(withBench);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s")
                .matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no -benchmark line in:\n" + out);
        }
        double cpuMs = (Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))) * 1000 / frames;
        return new Speed(frames / Double.parseDouble(m.group(3)), cpuMs);
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    static List<ByteBuffer> load(Path raw) throws IOException {
        List<ByteBuffer> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
            for (int i = 0; i < DISTINCT; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(W * H * 2);
                while (b.hasRemaining()) {
                    ch.read(b);
                }
                out.add(b.flip());
            }
        }
        return out;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
