package org.passkvm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, findings 10, 12 and 13, each as the attack that worked before: HEAD told anonymous callers which
 * routes exist; an http:// Origin passed the check on HTTPS; a text/plain login from any page drove lockouts;
 * the redirect echoed a forged Host and dropped the query; responses named Jetty; Jetty's own error pages had no
 * security headers; TLS renegotiation was accepted; a body dribbled in slowly held its thread.
 */
class HardeningTest {

    @TempDir
    Path dataDir;

    private WebServer server;
    private int redirectPort;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            redirectPort = probe.getLocalPort();
        }
        WebSettings s = TestWebServer.settings(dataDir);
        server = new WebServer(new WebSettings(s.bindAddress(), s.httpsPort(), redirectPort, s.dataDir(), s.certFile(),
                s.keyFile(), "passkvm", s.sessionIdleTimeout(), s.sessionAbsoluteTimeout(), s.loginMaxFailures(),
                s.loginLockout()), TestWebServer.FAST_HASHER, "admin password");
        server.api().get("/api/thing", Role.VIEWER, ctx -> ctx.json(java.util.Map.of("ok", true)));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void headNeedsALoginLikeGet() {
        TestHttps anon = TestHttps.anonymous(server.port());
        assertThat(head(anon, "/api/thing")).isEqualTo(401);
        assertThat(head(anon, "/api/no-such-route")).isEqualTo(401);
        assertThat(head(anon, "/api/health")).isEqualTo(200);
        assertThat(head(TestHttps.basic(server.port(), "admin", "admin password"), "/api/thing")).isEqualTo(200);
    }

    @Test
    void anHttpOriginIsAnotherOriginOnHttps() {
        TestHttps browser = TestHttps.browser(server.port());
        var login = browser.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"admin password\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        TestHttps session = browser.withCsrf(TestHttps.json(login).get("csrfToken").asText());
        assertThat(session.post("/api/auth/logout", "{}").statusCode()).as("own https origin").isNotEqualTo(403);

        TestHttps again = TestHttps.browser(server.port());
        var second = again.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"admin password\"}");
        TestHttps plainOrigin = again.withCsrf(TestHttps.json(second).get("csrfToken").asText())
                .withOrigin("http://127.0.0.1:" + server.port());
        assertThat(plainOrigin.post("/api/auth/logout", "{}").statusCode()).isEqualTo(403);
    }

    @Test
    void noOtherPageCanDriveLogins() {
        HttpResponse<String> crossSite = TestHttps.anonymous(server.port()).withOrigin("https://evil.example")
                .post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"guess\"}");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        TestHttps anon = TestHttps.anonymous(server.port());
        HttpResponse<String> textPlain = anon.send(anon.request("/api/auth/login").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"guess\"}")));
        assertThat(textPlain.statusCode()).isEqualTo(415);
    }

    @Test
    void theRedirectUsesTheDevicesOwnNameAndKeepsTheQuery() throws Exception {
        String forged = plainHttp("GET /login?next=%2Fvms HTTP/1.1\r\nHost: evil.example:18443\r\nConnection: close\r\n\r\n");
        assertThat(forged).startsWith("HTTP/1.1 301");
        assertThat(location(forged)).isEqualTo("https://passkvm.local:" + server.port() + "/login?next=%2Fvms");
        assertThat(forged).doesNotContainIgnoringCase("Server:");

        String byAddress = plainHttp("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + redirectPort + "\r\nConnection: close\r\n\r\n");
        assertThat(location(byAddress)).isEqualTo("https://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void noResponseNamesTheServer() {
        HttpResponse<String> r = TestHttps.anonymous(server.port()).get("/api/health");
        assertThat(r.headers().firstValue("Server")).isEmpty();
        assertThat(r.headers().firstValue("X-Powered-By")).isEmpty();
    }

    @Test
    void jettysOwnErrorPagesCarryTheSecurityHeadersAndNoDetails() throws Exception {
        try (SSLSocket s = RawTls.open(server.port())) {
            RawTls.send(s, "GET /api/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            String response = readAll(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).contains("Content-Security-Policy").contains("Strict-Transport-Security")
                    .contains("{\"error\":").doesNotContain("Jetty").doesNotContain("org.eclipse");
        }
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        try (SSLSocket s = RawTls.open(server.port(), "TLSv1.2")) {
            RawTls.send(s, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            s.getInputStream().read(new byte[4096]);
            boolean refused;
            try {
                s.startHandshake();
                RawTls.send(s, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                refused = s.getInputStream().read(new byte[4096]) < 0;
            } catch (IOException e) {
                refused = true;
            }
            assertThat(refused).as("a second handshake on the same connection is refused").isTrue();
        }
    }

    @Test
    void aBodyDribbledInSlowerThanTheMinimumRateIsCutLongBeforeTheIdleTimeout() throws Exception {
        try (SSLSocket s = RawTls.open(server.port())) {
            s.setSoTimeout(15_000);
            RawTls.send(s, "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4000\r\n\r\n{");
            long start = System.nanoTime();
            java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    int first = s.getInputStream().read();
                    return first < 0 ? "closed" : "answered";
                } catch (java.net.SocketTimeoutException e) {
                    return "still waiting after 15 s";
                } catch (IOException e) {
                    return "closed";
                }
            });
            while (!answer.isDone() && System.nanoTime() - start < Duration.ofSeconds(15).toNanos()) {
                try {
                    RawTls.send(s, " ");   // the attack itself: one byte every half second
                } catch (IOException cut) {
                    break;
                }
                Thread.sleep(500); // paced: the slow client is what this test proves the server cuts
            }
            assertThat(answer.get(20, java.util.concurrent.TimeUnit.SECONDS)).isIn("answered", "closed");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static int head(TestHttps client, String path) {
        return client.send(client.request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String plainHttp(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", redirectPort)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return readAll(s.getInputStream());
        }
    }

    private static String location(String response) {
        return response.lines().filter(l -> l.regionMatches(true, 0, "Location:", 0, 9))
                .map(l -> l.substring(9).trim()).findFirst().orElse("");
    }

    private static String readAll(InputStream in) {
        StringBuilder sb = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sb.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            // closed
        }
        return sb.toString();
    }
}
