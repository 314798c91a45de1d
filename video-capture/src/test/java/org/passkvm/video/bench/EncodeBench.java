package org.passkvm.video.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * frames (testsrc2), one thread each. Usage: EncodeBench [frames] [rounds]
 */
public final class EncodeBench {

    static final int W = 1920;
    static final int H = 1080;
    static final int DISTINCT = 16;

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        Path raw = Path.of(System.getProperty("java.io.tmpdir"), "passkvm-bench-1080.yuyv");
        if (!Files.exists(raw) || Files.size(raw) != (long) W * H * 2 * DISTINCT) {
            run(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=" + W + "x" + H + ":rate=30", "-frames:v", Integer.toString(DISTINCT),
                    "-pix_fmt", "yuyv422", "-f", "rawvideo", raw.toString()));
        }
        List<ByteBuffer> pictures = load(raw);
        System.out.printf("%d frames of %dx%d YUYV per run, %d rounds, 1 thread, %s%n", frames, W, H, rounds, ffmpeg);
        String loops = Integer.toString(frames / DISTINCT - 1);
        List<String> jpegCli = List.of(ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-threads", "1",
                "-color_range", "pc", "-f", "rawvideo", "-pix_fmt", "yuyv422", "-s", W + "x" + H, "-stream_loop", loops,
                "-i", raw.toString(), "-pix_fmt", "yuv422p", "-color_range", "pc", "-c:v", "mjpeg", "-q:v", "3.2",
                "-threads", "1", "-f", "null", "-");
        List<String> x264Cli = List.of(ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-threads", "1",
                "-f", "rawvideo", "-pix_fmt", "yuyv422", "-s", W + "x" + H, "-stream_loop", loops,
                "-i", raw.toString(), "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-tune",
                "zerolatency", "-profile:v", "baseline", "-b:v", "4000k", "-maxrate", "4000k", "-bufsize", "2000k",
                "-g", "120", "-bf", "0", "-forced-idr", "1", "-threads", "1", "-f", "null", "-");
        for (int r = 1; r <= rounds; r++) {
            double ours = jpeg(pictures, frames);
            double cli = cli(jpegCli, frames);
            System.out.printf("round %d  JPEG q80 (qscale 3.2)  PassKVM %.1f fps  ffmpeg CLI %.1f fps  ratio %.2f%n", r, ours, cli, ours / cli);
            double oursH = h264(pictures, frames);
            double cliH = cli(x264Cli, frames);
            System.out.printf("round %d  H.264 x264 ultrafast  PassKVM %.1f fps  ffmpeg CLI %.1f fps  ratio %.2f%n", r, oursH, cliH, oursH / cliH);
        }
    }

    static double jpeg(List<ByteBuffer> pictures, int frames) {
        try (JpegEncoder encoder = new JpegEncoder(80, 1)) {
            byte[] out = new byte[4 << 20];
            encoder.encode(frame(pictures, 0, 0)); // open outside the timing, as the CLI's setup is not in its rate either
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                int n = encoder.encode(frame(pictures, i, i));
                encoder.copyTo(out);
                if (n <= 0) {
                    throw new IllegalStateException();
                }
            }
            return frames * 1e9 / (System.nanoTime() - start);
        }
    }

    static double h264(List<ByteBuffer> pictures, int frames) {
        try (H264Encoder encoder = new H264Encoder("libx264", 4000, 120, 1)) {
            byte[] out = new byte[8 << 20];
            encoder.encode(frame(pictures, 0, 0));
            long start = System.nanoTime();
            for (int i = 1; i <= frames; i++) {
                if (encoder.encode(frame(pictures, i, i)) > 0) {
                    encoder.copyTo(out, 0);
                }
            }
            return frames * 1e9 / (System.nanoTime() - start);
        }
    }

    static RawFrame frame(List<ByteBuffer> pictures, int i, long n) {
        return new RawFrame(PixelFormat.YUYV, W, H, W * 2, pictures.get(i % pictures.size()).duplicate(),
                1_000_000_000L + n * 33_333_333L);
    }

    /** The CLI's frame rate over its whole run (start-up included, which is small at this length). */
    static double cli(List<String> command, int frames) throws IOException, InterruptedException {
        long start = System.nanoTime();
        run(command);
        return frames * 1e9 / (System.nanoTime() - start);
    }

    static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
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

    static ThreadMXBean threads() {
        return ManagementFactory.getThreadMXBean();
    }
}
