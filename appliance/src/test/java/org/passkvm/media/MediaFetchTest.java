package org.passkvm.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.web.tls.DeviceCertificate;

/** Downloads from local HTTP and HTTPS servers on loopback: redirects, certificate checks, limits, cancel. */
class MediaFetchTest {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path certDir;
    static TestAppliance app;
    static MediaClient api;
    static HttpServer http;
    static HttpsServer https;
    static final byte[] ISO = MediaApiTest.random(5 * 1024 * 1024 + 123, 7);
    static final CountDownLatch releaseSlow = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        app = TestAppliance.start(dataDir, "media:\n  max_image_mb: 16\n  reserve_mb: 0\n  fetch_stall_ms: 15000\n");
        api = MediaClient.of(app);
        DeviceCertificate cert = DeviceCertificate.loadOrCreate(certDir.resolve("c.pem"), certDir.resolve("k.pem"), "mirror");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert.keyStore(), DeviceCertificate.STORE_PASSWORD);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ssl));
        // /slow.iso holds its thread until the end, so the other images need threads of their own.
        https.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mirror");
            t.setDaemon(true);
            return t;
        }));
        https.createContext("/debian.iso", ex -> {
            ex.sendResponseHeaders(200, ISO.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(ISO);
            }
        });
        https.createContext("/huge.iso", ex -> {
            ex.sendResponseHeaders(200, 100L * 1024 * 1024);
            ex.close();
        });
        https.createContext("/slow.iso", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length
            try (OutputStream out = ex.getResponseBody()) {
                out.write(new byte[4096]);
                out.flush();
                releaseSlow.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException closed) {
                // the client gave up
            }
        });
        https.start();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "https://127.0.0.1:" + https.getAddress().getPort() + "/debian.iso");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        http.createContext("/missing.iso", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        http.start();
    }

    @AfterAll
    static void stop() {
        releaseSlow.countDown();
        app.close();
        http.stop(0);
        https.stop(0);
    }

    private static String httpsUrl(String path) {
        return "https://127.0.0.1:" + https.getAddress().getPort() + path;
    }

    private static JsonNode waitForEnd(String name) {
        return Await.value(Duration.ofSeconds(60), () -> api.image(name),
            n -> n != null && !n.get("state").asText().equals("fetching") && !n.get("state").asText().equals("hashing"),
            name + " fetched or failed");
    }

    /** Fetches {@code name} as {@code request} asks, expects the fetch to fail, and returns the reason it gives. */
    private static String failedFetch(String name, String request) throws Exception {
        api.post("/api/media/images/" + name + "/fetch", request);
        JsonNode failed = waitForEnd(name);
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        return failed.get("error").asText();
    }

    @Test
    void fetchFollowsARedirectToHttpsAndStoresTheImageWithItsSha256() throws Exception {
        HttpResponse<String> r = api.post("/api/media/images/debian.iso/fetch",
            "{\"url\":\"http://127.0.0.1:" + http.getAddress().getPort() + "/moved\",\"insecure\":true}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode done = waitForEnd("debian.iso");
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("ready");
        assertThat(done.get("size").asLong()).isEqualTo(ISO.length);
        assertThat(done.get("sha256").asText()).isEqualTo(MediaApiTest.sha256(ISO));
    }

    @Test
    void untrustedCertificateFailsWithAClearMessageUnlessInsecure() throws Exception {
        assertThat(failedFetch("checked.iso", "{\"url\":\"" + httpsUrl("/debian.iso") + "\"}"))
            .contains("TLS").contains("insecure");
        assertThat(app.dataDir().resolve("images").resolve("checked.iso")).doesNotExist();
        // A failed entry is dropped with DELETE, then the same name can be fetched again.
        assertThat(api.delete("/api/media/images/checked.iso").statusCode()).isEqualTo(204);
        assertThat(api.image("checked.iso")).isNull();
    }

    @Test
    void imageOverTheSizeLimitIsRefusedFromItsContentLength() throws Exception {
        assertThat(failedFetch("huge.iso", "{\"url\":\"" + httpsUrl("/huge.iso") + "\",\"insecure\":true}"))
            .contains("largest allowed").contains("media.max_image_mb");
    }

    @Test
    void serverErrorsAndBadUrlsAreReported() throws Exception {
        assertThat(failedFetch("missing.iso", "{\"url\":\"http://127.0.0.1:" + http.getAddress().getPort() + "/missing.iso\"}"))
            .contains("404");
        HttpResponse<String> file = api.post("/api/media/images/x.iso/fetch", "{\"url\":\"file:///etc/passwd\"}");
        assertThat(file.statusCode()).isEqualTo(400);
        assertThat(api.json(file).get("error").asText()).contains("only http and https");
    }

    @Test
    void fetchInProgressShowsProgressAndCanBeCancelled() throws Exception {
        api.post("/api/media/images/slow.iso/fetch", "{\"url\":\"" + httpsUrl("/slow.iso") + "\",\"insecure\":true}");
        JsonNode n = Await.value(Duration.ofSeconds(20), () -> api.image("slow.iso"),
            i -> i.at("/progress/bytes").asLong() >= 4096, "4 KiB of slow.iso fetched");
        assertThat(n.get("state").asText()).isEqualTo("fetching");
        HttpResponse<String> mount = api.post("/api/media/mount", "{\"image\":\"slow.iso\",\"mode\":\"flash\"}");
        assertThat(mount.statusCode()).as("a half-fetched image is not mountable").isEqualTo(409);
        assertThat(api.delete("/api/media/images/slow.iso").statusCode()).isEqualTo(204);
        Await.until(Duration.ofSeconds(20), () -> api.image("slow.iso") == null, "cancelled fetch disappears");
    }
}
