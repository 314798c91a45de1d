package org.passkvm.appliance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.passkvm.testkit.Await;
import org.passkvm.web.RawTls;
import org.passkvm.web.TestHttps;

/**
 * The attack loads of issue 21 against the demo appliance in this JVM, with heap, RSS and thread counts before and
 * after: oversized chunked bodies, slow bodies, and how fast a revocation closes what a user holds. Not a test: run it
 * by hand, see SECURITY.md.
 *
 * <p>Arguments: [chunked-attackers] [chunked-MiB-each] [slow-clients] [revocation-rounds]
 */
public final class AttackBench {

    public static void main(String[] args) throws Exception {
        int attackers = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int slow = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Path dir = Files.createTempDirectory("attack-bench");
        try (TestAppliance app = TestAppliance.start(dir)) {
            chunked(app.port(), attackers, mib);
            slowBodies(app.port(), slow);
            revocations(app, rounds);
        }
        System.exit(0);
    }

    private static void chunked(int port, int attackers, int mib) throws Exception {
        Snapshot before = Snapshot.take();
        ExecutorService pool = Executors.newFixedThreadPool(attackers);
        List<Future<long[]>> results = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
            results.add(pool.submit(() -> chunkedPost(port, (long) mib << 20)));
        }
        long maxSent = 0;
        long maxMillis = 0;
        int refused = 0;
        for (Future<long[]> f : results) {
            long[] r = f.get(5, TimeUnit.MINUTES);
            refused += r[0] == 413 ? 1 : 0;
            maxSent = Math.max(maxSent, r[1]);
            maxMillis = Math.max(maxMillis, r[2]);
        }
        pool.shutdownNow();
        Snapshot after = Snapshot.take();
        System.out.printf("chunked: %d anonymous %d MiB logins at once: %d got 413; at most %.1f MiB sent before the 413, "
                + "after %d ms; heap %s; RSS %s%n", attackers, mib, refused, maxSent / 1048576.0, maxMillis,
                before.heap(after), before.rss(after));
    }

    /** {status, bytes sent when the answer came, milliseconds to the answer}. */
    private static long[] chunkedPost(int port, long total) throws Exception {
        long start = System.nanoTime();
        try (SSLSocket s = RawTls.open(port)) {
            s.setSoTimeout(30_000);
            RawTls.send(s, "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            AtomicLong sent = new AtomicLong();
            AtomicLong sentAtAnswer = new AtomicLong(-1);
            AtomicLong answeredAt = new AtomicLong();
            CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    byte[] head = s.getInputStream().readNBytes(12);
                    sentAtAnswer.set(sent.get());
                    answeredAt.set(System.nanoTime());
                    return head.length == 12 ? Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII)) : -1;
                } catch (IOException e) {
                    return -1;
                }
            });
            byte[] chunk = new byte[64 * 1024];
            byte[] header = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            OutputStream out = s.getOutputStream();
            try {
                while (sent.get() < total && !answer.isDone()) {
                    out.write(header);
                    out.write(chunk);
                    out.write('\r');
                    out.write('\n');
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException cut) {
                // the server closed the connection: expected
            }
            int status = answer.get(60, TimeUnit.SECONDS);
            return new long[] {status, sentAtAnswer.get() < 0 ? sent.get() : sentAtAnswer.get(),
                (answeredAt.get() == 0 ? System.nanoTime() : answeredAt.get()) / 1_000_000 - start / 1_000_000};
        }
    }

    private static void slowBodies(int port, int clients) throws Exception {
        Snapshot before = Snapshot.take();
        List<SSLSocket> sockets = new ArrayList<>();
        List<CompletableFuture<Long>> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            SSLSocket s = RawTls.open(port);
            s.setSoTimeout(0);
            RawTls.send(s, "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4000\r\n\r\n{");
            sockets.add(s);
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    s.getInputStream().read();   // the server's answer (a 4xx) or its close
                } catch (IOException e) {
                    // closed
                }
                return System.nanoTime();
            }, Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            })));
        }
        int peakHeld = 0;
        while (answers.stream().anyMatch(a -> !a.isDone()) && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            for (SSLSocket s : sockets) {
                try {
                    RawTls.send(s, " ");
                } catch (IOException cut) {
                    // cut by the server
                }
            }
            peakHeld = Math.max(peakHeld, threadsReadingABody());
            Thread.sleep(500);   // paced: the attack: one byte per client every half second
        }
        long answered = answers.stream().filter(CompletableFuture::isDone).count();
        long slowest = answers.stream().filter(CompletableFuture::isDone).mapToLong(CompletableFuture::join).max().orElse(start);
        int heldAfter = threadsReadingABody();
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // gone
            }
        });
        Snapshot after = Snapshot.take();
        System.out.printf("slow bodies: %d clients at 2 B/s each: %d answered and cut, the last after %d ms; request "
                + "threads held reading a body: at most %d, %d after; heap %s%n", clients, answered,
                (slowest - start) / 1_000_000, peakHeld, heldAfter, before.heap(after));
    }

    /** Server threads blocked reading a request body (in the body limit's read). */
    private static int threadsReadingABody() {
        int n = 0;
        for (var info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            for (StackTraceElement e : info.getStackTrace()) {
                if (e.getClassName().endsWith("BodyLimit")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static void revocations(TestAppliance app, int rounds) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String name = "bench" + i;
            app.admin().post("/api/users", "{\"name\":\"" + name + "\",\"role\":\"operator\",\"password\":\"bench password\"}");
            TestHttps user = TestHttps.basic(app.port(), name, "bench password");
            CompletableFuture<Long> socketClosed = new CompletableFuture<>();
            WebSocket ws = user.webSocket("/api/hid/ws", new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    socketClosed.complete(System.nanoTime());
                    return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                    socketClosed.complete(System.nanoTime());
                }

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    w.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            HttpResponse<InputStream> stream = user.getStream("/api/video/stream.mjpeg");
            AtomicLong streamed = new AtomicLong();
            CompletableFuture<Long> streamEnded = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = stream.body()) {
                    byte[] b = new byte[65536];
                    int n;
                    while ((n = in.read(b)) >= 0) {
                        streamed.addAndGet(n); // drain until the server ends it
                    }
                } catch (IOException e) {
                    // ended
                }
                return System.nanoTime();
            });
            Await.until(Duration.ofSeconds(10), () -> streamed.get() > 0, "the MJPEG stream flowing");
            long start = System.nanoTime();
            app.admin().method("DELETE", "/api/users/" + name, null);
            long end = Math.max(socketClosed.get(10, TimeUnit.SECONDS), streamEnded.get(10, TimeUnit.SECONDS));
            millis.add((end - start) / 1_000_000);
            ws.abort();
        }
        Collections.sort(millis);
        System.out.printf("revocation: %d users deleted while holding an input socket and an MJPEG stream: both closed "
                + "after p50 %d ms, p99 %d ms, max %d ms%n", rounds, millis.get(millis.size() / 2),
                millis.get(Math.min(millis.size() - 1, (int) Math.ceil(millis.size() * 0.99) - 1)), millis.get(millis.size() - 1));
    }

    private record Snapshot(long heap, long rss, int threads) {
        static Snapshot take() throws IOException {
            System.gc();
            long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(-1);
            return new Snapshot(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), rss,
                    ManagementFactory.getThreadMXBean().getThreadCount());
        }

        String heap(Snapshot after) {
            return String.format("%.0f → %.0f MiB", heap / 1048576.0, after.heap / 1048576.0);
        }

        String rss(Snapshot after) {
            return String.format("%.0f → %.0f MiB", rss / 1048576.0, after.rss / 1048576.0);
        }
    }
}
