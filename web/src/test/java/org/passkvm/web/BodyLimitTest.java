package org.passkvm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, finding 1: the body limit held only for bodies with an honest Content-Length. Three anonymous chunked
 * 300 MB logins grew the heap by ~2.8 GB; a 100 MB one got "400 invalid JSON"; a Content-Length of 2^31 with a tiny
 * body hung 30 s and answered an empty 500. Each attack below failed that way before the fix.
 */
class BodyLimitTest {

    private static final byte[] CHUNK = new byte[64 * 1024];

    @TempDir
    Path dataDir;

    private WebServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestWebServer.create(dataDir, "admin password");
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void threeChunked300MegabyteLoginsAreCutAt413WithTheHeapFlat() throws Exception {
        long heapBefore = usedHeapAfterGc();
        ExecutorService attackers = Executors.newFixedThreadPool(3);
        List<Future<Attack>> attacks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            attacks.add(attackers.submit(() -> chunkedPost("/api/auth/login", 300L << 20)));
        }
        for (Future<Attack> f : attacks) {
            Attack a = f.get(60, TimeUnit.SECONDS);
            assertThat(a.status()).as(a.response()).isEqualTo(413);
            assertThat(a.response()).contains("request body larger than");
            assertThat(a.bytesAccepted()).as("bytes sent before the refusal arrived").isLessThan(16L << 20);
        }
        attackers.shutdownNow();
        assertThat(usedHeapAfterGc() - heapBefore).as("heap growth, bytes").isLessThan(64L << 20);
    }

    @Test
    void aChunkedBodyJustOverTheLimitGets413NotInvalidJson() throws Exception {
        Attack a = chunkedPost("/api/auth/login", WebServer.MAX_BODY_BYTES + 1);
        assertThat(a.status()).as(a.response()).isEqualTo(413);
    }

    @Test
    void aLyingContentLengthIsRefusedAtOnceInsteadOfWaitedFor() throws Exception {
        long start = System.nanoTime();
        try (SSLSocket s = RawTls.open(server.port())) {
            RawTls.send(s, "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2147483648\r\n\r\n{}");
            String response = readResponse(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("Strict-Transport-Security").doesNotContain("Server: Jetty");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aSmallChunkedBodyStillWorks() throws Exception {
        Attack a = chunkedJson("/api/auth/login", "{\"user\":\"admin\",\"password\":\"admin password\"}");
        assertThat(a.status()).as(a.response()).isEqualTo(200);
    }

    @Test
    void badJsonIsDescribedWithoutNamingOurClasses() throws Exception {
        var r = TestHttps.anonymous(server.port()).post("/api/auth/login", "{\"user\":\"a\",\"password\":\"b\",\"x\":1}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("unknown field 'x'").doesNotContain("org.passkvm").doesNotContain("$");
    }

    private record Attack(int status, String response, long bytesAccepted) {}

    /**
     * Sends a chunked body of {@code total} bytes while reading the answer; {@code bytesAccepted} is what had been
     * sent when the answer arrived (or when the server cut the connection).
     */
    private Attack chunkedPost(String path, long total) throws Exception {
        try (SSLSocket s = RawTls.open(server.port())) {
            s.setSoTimeout(30_000);
            RawTls.send(s, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            AtomicLong sent = new AtomicLong();
            AtomicLong sentWhenAnswered = new AtomicLong(-1);
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    String response = readResponse(s.getInputStream());
                    sentWhenAnswered.set(sent.get());
                    return response;
                } catch (IOException e) {
                    return "";
                }
            });
            OutputStream out = s.getOutputStream();
            byte[] header = (Integer.toHexString(CHUNK.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                while (sent.get() < total && !answer.isDone()) {
                    int n = (int) Math.min(CHUNK.length, total - sent.get());
                    out.write(n == CHUNK.length ? header : (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(CHUNK, 0, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent.addAndGet(n);
                }
                if (!answer.isDone()) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException closedByServer) {
                // refused mid-body: what the attack should meet
            }
            String response = answer.get(30, TimeUnit.SECONDS);
            return new Attack(status(response), response, sentWhenAnswered.get() < 0 ? sent.get() : sentWhenAnswered.get());
        }
    }

    private Attack chunkedJson(String path, String json) throws IOException {
        try (SSLSocket s = RawTls.open(server.port())) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            RawTls.send(s, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(body.length) + "\r\n"
                    + json + "\r\n0\r\n\r\n");
            String response = readResponse(s.getInputStream());
            return new Attack(status(response), response, body.length);
        }
    }

    private static String readResponse(InputStream in) {
        byte[] buffer = new byte[8192];
        StringBuilder sb = new StringBuilder();
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sb.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                if (complete(sb)) {
                    break;
                }
            }
        } catch (IOException e) {
            // closed after the answer
        }
        return sb.toString();
    }

    private static boolean complete(StringBuilder sb) {
        int headersEnd = sb.indexOf("\r\n\r\n");
        if (headersEnd < 0) {
            return false;
        }
        String headers = sb.substring(0, headersEnd).toLowerCase();
        int at = headers.indexOf("content-length:");
        if (at < 0) {
            return sb.indexOf("\r\n0\r\n\r\n") > 0;
        }
        int end = headers.indexOf("\r\n", at);
        long length = Long.parseLong(headers.substring(at + 15, end < 0 ? headers.length() : end).trim());
        return sb.length() - headersEnd - 4 >= length;
    }

    private static int status(String response) {
        return response.length() < 12 ? -1 : Integer.parseInt(response.substring(9, 12));
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
