package org.passkvm.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.appliance.TestAppliance;

/**
 * Upload throughput against a plain {@code dd} write of the same file to the same disk, in one run, alternating; and
 * the appliance JVM's RSS growth during each upload. The upload goes through curl -T (a real client) over HTTPS to the
 * demo appliance running in this JVM; both sides read the same source file (page-cached) and end with an fsync.
 *
 * <pre>java -cp … org.passkvm.media.MediaUploadBenchmark [work-dir] [size-mib] [rounds]</pre>
 */
public final class MediaUploadBenchmark {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/media-bench");
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(work);
        Path source = work.resolve("source.bin");
        writeSource(source, mib << 20);
        sh("cat " + source + " > /dev/null"); // into the page cache for both sides
        Path data = Files.createTempDirectory(work, "data");
        TestAppliance app = TestAppliance.start(data, "media:\n  reserve_mb: 0\n");
        int port = app.port();
        List<double[]> results = new ArrayList<>();
        try {
            for (int round = 1; round <= rounds; round++) {
                Path ddOut = work.resolve("dd.bin");
                long t0 = System.nanoTime();
                sh("dd if=" + source + " of=" + ddOut + " bs=1M conv=fsync status=none");
                double dd = seconds(t0);
                Files.delete(ddOut);
                sh("sync");

                System.gc();
                long rssBefore = rssKib();
                AtomicLong peak = new AtomicLong(rssBefore);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(rssKib(), Math::max);
                        try {
                            Thread.sleep(20); // the sampling period of the peak RSS
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.setDaemon(true);
                sampler.start();
                long t1 = System.nanoTime();
                String code = shOut("curl -sk -o /dev/null -w '%{http_code}' -u admin:" + TestAppliance.PASSWORD
                    + " -T " + source + " https://127.0.0.1:" + port + "/api/media/images/bench.img");
                double upload = seconds(t1);
                sampler.interrupt();
                sampler.join();
                if (!code.equals("201")) {
                    throw new IllegalStateException("upload answered " + code);
                }
                MediaClient.of(app).delete("/api/media/images/bench.img");
                sh("sync");
                double ddRate = mib / dd;
                double upRate = mib / upload;
                double growth = (peak.get() - rssBefore) / 1024.0;
                results.add(new double[] {ddRate, upRate, growth, rssBefore / 1024.0});
                System.out.printf("round %d: dd %.0f MiB/s, upload %.0f MiB/s (%.2f of dd), RSS %.0f MiB -> peak +%.1f MiB%n",
                    round, ddRate, upRate, upRate / ddRate, rssBefore / 1024.0, growth);
            }
        } finally {
            app.close();
            Files.deleteIfExists(source);
        }
        double[] med = new double[4];
        for (int i = 0; i < 4; i++) {
            final int k = i;
            med[i] = results.stream().mapToDouble(r -> r[k]).sorted().toArray()[results.size() / 2];
        }
        System.out.printf("median of %d: dd %.0f MiB/s, upload %.0f MiB/s, upload/dd %.2f; RSS growth during a %d MiB upload "
            + "%.1f MiB (from %.0f MiB)%n", rounds, med[0], med[1], med[1] / med[0], mib, med[2], med[3]);
        System.exit(0);
    }

    private static void writeSource(Path file, long bytes) throws IOException {
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block); // incompressible, like an ISO's squashfs
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < bytes; done += block.length) {
                block[0]++;
                out.write(block, 0, (int) Math.min(block.length, bytes - done));
            }
        }
    }

    /** This JVM's resident set (the appliance runs in it; curl and dd are other processes). */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return 0;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("'" + command + "' failed");
        }
    }

    private static String shOut(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }
}
