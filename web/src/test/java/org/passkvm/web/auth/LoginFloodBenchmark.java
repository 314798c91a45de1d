package org.passkvm.web.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.web.FromAddress;
import org.passkvm.web.TestHttps;
import org.passkvm.web.TestWebServer;
import org.passkvm.web.WebServer;

/**
 * Issue 21, findings 3 and 6, as a measurement: threads on 127.0.0.1 post wrong passwords for admin
 * (with user names of {@code nameBytes}) as fast as they can over kept-alive connections, while the
 * owner logs in from 127.0.0.3 once a second. Prints the flood's rate and answers, the owner's
 * logins and their latency, and the audit files' size. Not a test: run it by hand, see SECURITY.md.
 *
 * <p>Arguments: [seconds] [threads] [nameBytes]
 */
public final class LoginFloodBenchmark {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int nameBytes = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        Path dir = Files.createTempDirectory("login-flood");
        try (WebServer server = TestWebServer.create(dir, "owner password")) {
            server.start();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong requests = new AtomicLong();
            Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            String name = "a".repeat(Math.max(1, nameBytes - 8));
            List<Thread> flood = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    TestHttps anon = TestHttps.anonymous(server.port());
                    long i = 0;
                    while (running.get()) {
                        int status = anon.post("/api/auth/login", "{\"user\":\"" + name + id + "-" + (i++ % 1000)
                                + "\",\"password\":\"guess\"}").statusCode();
                        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                        requests.incrementAndGet();
                    }
                });
                th.start();
                flood.add(th);
            }
            long start = System.nanoTime();
            int ok = 0;
            int tries = 0;
            long worst = 0;
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                long t0 = System.nanoTime();
                int status = FromAddress.of("127.0.0.3", server.port())
                        .post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"owner password\"}").status();
                worst = Math.max(worst, System.nanoTime() - t0);
                tries++;
                ok += status == 200 ? 1 : 0;
                Thread.sleep(1000); // one owner login a second, on top of the flood
            }
            running.set(false);
            for (Thread th : flood) {
                th.join();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            server.audit().tail(1); // writes out the failures still being counted for this minute
            long auditBytes = Files.size(dir.resolve("audit-failures.log")) + (Files.exists(dir.resolve("audit.log"))
                    ? Files.size(dir.resolve("audit.log")) : 0);
            System.out.printf("flood: %d threads, %.0f failed-login requests/s, answers %s; owner from 127.0.0.3: %d of %d "
                    + "logins worked, slowest %.0f ms; audit files %d bytes; heap used %d MB%n", threads, requests.get() / secs,
                    statuses, ok, tries, worst / 1e6, auditBytes,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
    }
}
