package org.passkvm.video;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.web.TestHttps;

/**
 * The appliance's memory as the image runs it: the jar in its own JVM with the image's flags (plus Native Memory
 * Tracking, which costs a few MB of its own), demo parts; RSS sampled idle, then with four viewers (one H.264
 * WebSocket, three MJPEG streams, all reading as fast as frames come), with NMT's summary after each phase.
 *
 * <pre>java -cp … org.passkvm.video.MemoryBench JAR IDLE_SECONDS VIEWER_SECONDS [extra JVM flags…]</pre>
 */
public final class MemoryBench {

    static final List<String> IMAGE_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xss512k", "-XX:-UsePerfData");

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int idle = Integer.parseInt(args[1]);
        int viewing = Integer.parseInt(args[2]);
        List<String> extra = List.of(args).subList(3, args.length);
        Path work = Files.createTempDirectory("passkvm-mem");
        Files.writeString(work.resolve("empty.yaml"), "");
        int port = 18446;
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(IMAGE_FLAGS);
        cmd.add("-XX:NativeMemoryTracking=summary");
        cmd.addAll(extra);
        cmd.addAll(List.of("-jar", jar.toString(), "--config", work.resolve("empty.yaml").toString(), "--data-dir",
                work.resolve("data").toString(), "--port", String.valueOf(port), "--ipmi-port", "0", "--http-port", "0",
                "--bind", "127.0.0.1"));
        System.out.println("flags: " + String.join(" ", cmd.subList(1, cmd.indexOf("-jar"))));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("log").toFile()).start();
        try {
            TestHttps anon = TestHttps.anonymous(port);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                try {
                    if (anon.get("/api/health").statusCode() == 200) {
                        break;
                    }
                } catch (RuntimeException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IllegalStateException("did not start: " + Files.readString(work.resolve("log")));
                }
                Thread.sleep(100);
            }
            TestAppliance.chooseAdminPassword(port, work.resolve("data"));
            sample("idle", p, idle);
            nmt("idle", p);
            mappings("idle", p);

            AtomicBoolean stop = new AtomicBoolean();
            TestHttps admin = TestHttps.basic(port, "admin", TestAppliance.PASSWORD);
            AtomicLong h264Units = new AtomicLong();
            WebSocket ws = admin.webSocket("/api/video/h264", new WebSocket.Listener() {
                @Override
                public void onOpen(WebSocket w) {
                    w.request(1);
                }

                @Override
                public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    if (last) {
                        h264Units.incrementAndGet();
                    }
                    w.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    w.request(1);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            AtomicLong mjpegBytes = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Thread t = new Thread(() -> {
                    HttpResponse<InputStream> r = admin.getStream("/api/video/stream.mjpeg");
                    byte[] buf = new byte[65536];
                    try (InputStream in = r.body()) {
                        int n;
                        while (!stop.get() && (n = in.read(buf)) > 0) {
                            mjpegBytes.addAndGet(n);
                        }
                    } catch (Exception e) {
                        // stopped
                    }
                }, "mjpeg-viewer-" + i);
                t.setDaemon(true);
                t.start();
                readers.add(t);
            }
            sample("4 viewers", p, viewing);
            System.out.printf("viewers got %d H.264 access units, %d MB of MJPEG%n", h264Units.get(), mjpegBytes.get() >> 20);
            nmt("4 viewers", p);
            mappings("4 viewers", p);
            stop.set(true);
            ws.abort();
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void sample(String phase, Process p, int seconds) throws Exception {
        StringBuilder line = new StringBuilder(phase + ": RSS MB every 10 s:");
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int s = 0; s <= seconds; s += 10) {
            int rss = rssMb(p.pid());
            min = Math.min(min, rss);
            max = Math.max(max, rss);
            line.append(' ').append(rss);
            if (s + 10 <= seconds) {
                Thread.sleep(10_000);
            }
        }
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        System.out.println(line + String.format("  (min %d, max %d; load %s)", min, max, load));
    }

    /**
     * Where the resident memory lives, by mapping (/proc/PID/smaps): what NMT cannot see (the natives' code, malloc
     * outside the JVM) shows as libraries and as anonymous memory beyond NMT's committed total.
     */
    private static void mappings(String phase, Process p) throws Exception {
        Map<String, Long> kb = new TreeMap<>();
        String group = "anonymous";
        for (String l : Files.readAllLines(Path.of("/proc/" + p.pid() + "/smaps"))) {
            if (l.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] f = l.trim().split("\\s+", 6);
                group = group(f.length < 6 ? "" : f[5]);
            } else if (l.startsWith("Rss:")) {
                kb.merge(group, Long.parseLong(l.replaceAll("\\D", "")), Long::sum);
            }
        }
        StringBuilder line = new StringBuilder("RSS by mapping, " + phase + " (MB):");
        kb.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / 1024.0)));
        System.out.println(line);
    }

    private static String group(String path) {
        if (path.isEmpty()) {
            return "anonymous (Java heap, metaspace, code, malloc)";
        } else if (path.equals("[heap]")) {
            return "[heap] (malloc's main arena)";
        } else if (path.startsWith("[")) {
            return "other " + path;
        } else if (path.contains("libjvm")) {
            return "libjvm.so";
        } else if (path.contains(".javacpp") || path.matches(".*/lib(av|sw|x264|postproc|jni|opus).*")) {
            return "JavaCPP natives (FFmpeg, x264, Opus, JNI)";
        } else if (path.endsWith(".jsa")) {
            return "CDS archives";
        } else if (path.endsWith(".jar") || path.endsWith("/modules")) {
            return "jars and the JDK's modules";
        } else if (path.contains(".so")) {
            return "other libraries (libc, libvirt, JDK's)";
        }
        return "other files";
    }

    static int rssMb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Integer.parseInt(l.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static void nmt(String phase, Process p) throws Exception {
        Process j = new ProcessBuilder("jcmd", String.valueOf(p.pid()), "VM.native_memory", "summary", "scale=MB")
                .redirectErrorStream(true).start();
        String out = new String(j.getInputStream().readAllBytes());
        j.waitFor(30, TimeUnit.SECONDS);
        System.out.println("NMT " + phase + ":");
        for (String l : out.split("\n")) {
            String t = l.trim();
            if (t.startsWith("Total:") || (t.startsWith("-") && t.contains("reserved="))) {
                System.out.println("  " + t.replaceAll("\\s+", " "));
            }
        }
    }
}
