package org.passkvm.video;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.web.TestHttps;

/**
 * MJPEG serving figures on loopback with the whole appliance (HTTPS, auth gate, demo source at
 * 1280x720 30 fps encoded from BGR0): capture-to-last-byte latency with one client, then 16
 * clients of which one reads slowly — per-client frame rates, and the process memory over time.
 * Latency uses the X-Timestamp each part carries (capture time on the JVM's monotonic clock).
 * Usage: StreamBench [seconds per phase]
 */
public final class StreamBench {

    static final class Client implements Runnable {
        final TestAppliance app;
        final boolean slow;
        final AtomicLong frames = new AtomicLong();
        final List<Long> latencies = new ArrayList<>();
        final List<Long> fanout = new ArrayList<>();
        final AtomicBoolean stop;

        Client(TestAppliance app, boolean slow, AtomicBoolean stop) {
            this.app = app;
            this.slow = slow;
            this.stop = stop;
        }

        @Override
        public void run() {
            try (SSLSocket s = (SSLSocket) TestHttps.trustAll().getSocketFactory().createSocket()) {
                if (slow) {
                    s.setReceiveBufferSize(8192); // a phone on a bad link: the kernel cannot buffer much for it
                }
                s.connect(new java.net.InetSocketAddress("127.0.0.1", app.port()));
                OutputStream out = s.getOutputStream();
                out.write(("GET /api/video/stream.mjpeg HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\nAuthorization: "
                        + TestHttps.basicHeader("admin", TestAppliance.PASSWORD) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = new java.io.BufferedInputStream(s.getInputStream(), slow ? 1024 : 65536);
                byte[] body = new byte[4 << 20];
                long captured = 0;
                long published = 0;
                int length = -1;
                StringBuilder line = new StringBuilder();
                while (!stop.get()) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    if (b != '\n') {
                        line.append((char) b);
                        continue;
                    }
                    String l = line.toString().trim();
                    line.setLength(0);
                    if (l.startsWith("Content-Length:")) {
                        length = Integer.parseInt(l.substring(15).trim());
                    } else if (l.startsWith("X-Published-Timestamp:")) {
                        published = (long) (Double.parseDouble(l.substring(22).trim()) * 1e9);
                    } else if (l.startsWith("X-Timestamp:")) {
                        captured = (long) (Double.parseDouble(l.substring(12).trim()) * 1e9);
                    } else if (l.isEmpty() && length >= 0) {
                        int read = 0;
                        while (read < length) {
                            int n = in.read(body, read, slow ? Math.min(2048, length - read) : length - read);
                            if (n < 0) {
                                return;
                            }
                            read += n;
                            if (slow) {
                                Thread.sleep(20); // ~100 kB/s
                            }
                        }
                        long now = System.nanoTime();
                        frames.incrementAndGet();
                        synchronized (latencies) {
                            latencies.add(now - captured);
                            fanout.add(now - published);
                        }
                        length = -1;
                    }
                }
            } catch (Exception e) {
                if (!stop.get()) {
                    System.out.println("client failed: " + e);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Files.createTempDirectory("passkvm-bench");
        try (TestAppliance app = TestAppliance.start(dir, "video:\n  h264:\n    encoder: 'off'\n")) {
            app.admin().getBytes("/api/video/snapshot.jpg"); // warm up: capture opened, encoder created, JIT going

            AtomicBoolean stop = new AtomicBoolean();
            Client one = new Client(app, false, stop);
            Thread t = new Thread(one);
            t.start();
            Thread.sleep(2000); // time is the subject (as below): warm-up, then a measured window
            synchronized (one.latencies) {
                one.latencies.clear();
                one.fanout.clear();
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            t.join(5000);
            long[] lat;
            long[] fan;
            synchronized (one.latencies) {
                lat = one.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                fan = one.fanout.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            System.out.printf("1 client, %d frames: capture-to-last-byte p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    lat.length, pct(lat, 50), pct(lat, 99), lat[lat.length - 1] / 1e6);
            System.out.printf("1 client: publish-to-last-byte (fan-out, TLS, loopback; no encode) p50 %.2f ms, p99 %.2f ms%n",
                    pct(fan, 50), pct(fan, 99));
            String status = app.admin().getText("/api/video");
            System.out.println("status: " + status);

            AtomicBoolean stop16 = new AtomicBoolean();
            List<Client> clients = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Client c = new Client(app, i == 15, stop16);
                clients.add(c);
                Thread th = new Thread(c, "bench-client-" + i);
                threads.add(th);
                th.start();
            }
            Thread.sleep(2000); // time is the subject (as below): warm-up, then one memory sample a second
            long[] start = clients.stream().mapToLong(c -> c.frames.get()).toArray();
            clients.forEach(c -> {
                synchronized (c.latencies) {
                    c.latencies.clear();
                    c.fanout.clear();
                }
            });
            List<String> memory = new ArrayList<>();
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1000);
                memory.add(rssMb() + "/" + heapMb());
            }
            long[] end = clients.stream().mapToLong(c -> c.frames.get()).toArray();
            stop16.set(true);
            for (Thread th : threads) {
                th.join(5000); // the clients notice and stop adding figures
            }
            double[] fps = new double[16];
            for (int i = 0; i < 16; i++) {
                fps[i] = (end[i] - start[i]) / (double) seconds;
            }
            double[] fast = Arrays.copyOf(fps, 15);
            Arrays.sort(fast);
            long[] all = clients.subList(0, 15).stream().flatMap(c -> c.latencies.stream()).mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("16 clients (1 slow at ~100 kB/s): fast clients fps min %.1f median %.1f max %.1f; slow client %.1f fps%n",
                    fast[0], fast[7], fast[14], fps[15]);
            long[] allFan = clients.subList(0, 15).stream().flatMap(c -> c.fanout.stream()).mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("16 clients: fast clients' capture-to-last-byte p50 %.2f ms, p99 %.2f ms; publish-to-last-byte p50 %.2f ms, p99 %.2f ms%n",
                    pct(all, 50), pct(all, 99), pct(allFan, 50), pct(allFan, 99));
            System.out.println("memory each second, RSS MB/heap used MB: " + String.join(" ", memory));
            System.out.println("status: " + app.admin().getText("/api/video"));
            for (Thread th : threads) {
                th.join(100);
            }
        }
        System.exit(0);
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    static long rssMb() throws java.io.IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    static long heapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }
}
