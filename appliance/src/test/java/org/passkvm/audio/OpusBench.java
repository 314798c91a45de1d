package org.passkvm.audio;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opus encode cost per second of audio and the stream's bytes per second, PassKVM's {@link OpusEncoder} side by side
 * with its reference, the ffmpeg command line encoding the same PCM with the same libopus settings. The PCM is a
 * chord plus noise (a steady tone alone would flatter the encoder). Run with
 * {@code java -cp <test classpath> org.passkvm.audio.OpusBench [seconds] [kbps]}.
 */
public final class OpusBench {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int kbps = args.length > 1 ? Integer.parseInt(args[1]) : 96;
        short[] pcm = signal(seconds);
        // warm-up: JIT and libopus' first allocations
        try (OpusEncoder warm = new OpusEncoder(kbps * 1000)) {
            warm.encode(java.util.Arrays.copyOf(pcm, AudioSource.RATE * 2 * 5));
        }
        var threads = ManagementFactory.getThreadMXBean();
        long bytes = 0;
        long packets = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        try (OpusEncoder encoder = new OpusEncoder(kbps * 1000)) {
            int chunk = OpusEncoder.FRAME_SAMPLES * AudioSource.CHANNELS;
            for (int at = 0; at + chunk <= pcm.length; at += chunk) {
                for (byte[] p : encoder.encode(java.util.Arrays.copyOfRange(pcm, at, at + chunk))) {
                    bytes += p.length;
                    packets++;
                }
            }
        }
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6;
        double wallMs = (System.nanoTime() - wall0) / 1e6;
        double ffmpegMs = ffmpegCpuMs(pcm, kbps);
        System.out.printf("%d s of 48 kHz stereo at %d kb/s: %d packets, %.0f bytes/s Opus (%.0f with the 8-byte header)%n",
                seconds, kbps, packets, bytes / (double) seconds, (bytes + 8.0 * packets) / seconds);
        System.out.printf("PassKVM OpusEncoder: %.2f ms CPU per second of audio (%.2f ms wall)%n", cpuMs / seconds, wallMs / seconds);
        System.out.printf("ffmpeg -c:a libopus:  %.2f ms CPU per second of audio (user+sys, incl. its start)%n", ffmpegMs / seconds);
        System.out.printf("ratio PassKVM / ffmpeg: %.2f%n", cpuMs / ffmpegMs);
    }

    static short[] signal(int seconds) {
        Random noise = new Random(1);
        short[] out = new short[AudioSource.RATE * seconds * 2];
        for (int i = 0; i < out.length / 2; i++) {
            double t = i / (double) AudioSource.RATE;
            double v = 0.2 * Math.sin(2 * Math.PI * 440 * t) + 0.15 * Math.sin(2 * Math.PI * 554.4 * t)
                    + 0.1 * Math.sin(2 * Math.PI * 659.3 * t) + 0.05 * noise.nextGaussian();
            out[2 * i] = (short) (Math.max(-1, Math.min(1, v)) * 32767);
            out[2 * i + 1] = (short) (Math.max(-1, Math.min(1, v * 0.9)) * 32767);
        }
        return out;
    }

    private static double ffmpegCpuMs(short[] pcm, int kbps) throws IOException, InterruptedException {
        Path raw = Files.createTempFile("opusbench", ".s16");
        try {
            ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            b.asShortBuffer().put(pcm);
            Files.write(raw, b.array());
            Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-benchmark", "-f", "s16le", "-ar", "48000",
                    "-ac", "2", "-i", raw.toString(), "-c:a", "libopus", "-application", "lowdelay", "-frame_duration", "20",
                    "-b:a", kbps + "k", "-f", "ogg", "-y", "/dev/null").redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            Matcher m = Pattern.compile("utime=([\\d.]+)s stime=([\\d.]+)s").matcher(log);
            if (!m.find()) {
                throw new IOException("ffmpeg -benchmark printed no times:\n" + log);
            }
            return (Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))) * 1000;
        } finally {
            Files.deleteIfExists(raw);
        }
    }
}
