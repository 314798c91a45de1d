package org.passkvm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.tls.DeviceCertificate;

class TransportSecurityTest {

    @TempDir
    Path dataDir;

    @Test
    void plainHttpPortOnlyRedirectsToHttps() throws Exception {
        int httpPort;
        try (var probe = new java.net.ServerSocket(0)) {
            httpPort = probe.getLocalPort();
        }
        WebSettings s = TestWebServer.settings(dataDir);
        WebSettings withHttp = new WebSettings(s.bindAddress(), s.httpsPort(), httpPort, s.dataDir(), s.certFile(), s.keyFile(),
                s.hostname(), s.sessionIdleTimeout(), s.sessionAbsoluteTimeout(), s.loginMaxFailures(), s.loginLockout());
        WebServer server = new WebServer(withHttp, TestWebServer.FAST_HASHER, "pw123456");
        server.start();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/api/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(301);
            assertThat(r.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + server.port() + "/api/health");
            assertThat(r.body()).doesNotContain("capabilities");
        } finally {
            server.close();
        }
    }

    @Test
    void theServerPicksTheCipherCheapestForItsCpuWhateverTheClientPrefers() throws Exception {
        WebServer server = TestWebServer.create(dataDir, "pw123456");
        server.start();
        try {
            // This JDK's client lists AES-256 first, and ChaCha20 last but one: the server's order decides.
            String expected = org.passkvm.web.tls.CipherOrder.forThisCpu().get(0);
            try (javax.net.ssl.SSLSocket tls13 = RawTls.open(server.port(), "TLSv1.3")) {
                assertThat(tls13.getSession().getCipherSuite()).isEqualTo(expected);
            }
            String expected12 = org.passkvm.web.tls.CipherOrder.forThisCpu().stream()
                    .filter(c -> c.startsWith("TLS_ECDHE_ECDSA")).findFirst().orElseThrow();
            try (javax.net.ssl.SSLSocket tls12 = RawTls.open(server.port(), "TLSv1.2")) {
                assertThat(tls12.getSession().getCipherSuite()).isEqualTo(expected12);
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aCpuWithoutAesInstructionsGetsChaCha20FirstAndTheSameSuites() {
        var withAes = org.passkvm.web.tls.CipherOrder.forCpu(true);
        var without = org.passkvm.web.tls.CipherOrder.forCpu(false);
        assertThat(withAes.get(0)).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(without.get(0)).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(without).containsExactlyInAnyOrderElementsOf(withAes);
    }

    @Test
    void consoleResponsesCarryHstsAndAStrictContentSecurityPolicy() throws Exception {
        WebServer server = TestWebServer.create(dataDir, "pw123456");
        server.start();
        try {
            HttpResponse<String> r = TestHttps.anonymous(server.port()).get("/login");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                    assertThat(v).contains("default-src 'self'").contains("script-src 'self'").doesNotContain("unsafe"));
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        } finally {
            server.close();
        }
    }

    @Test
    void aUserCertificateReplacesTheGeneratedOne() throws Exception {
        // The user's own certificate: here another device's, made the same way, dropped into the data dir.
        Path other = Files.createTempDirectory(dataDir, "user-ca");
        DeviceCertificate mine = DeviceCertificate.loadOrCreate(other.resolve("cert.pem"), other.resolve("key.pem"), "kvm.example.org");
        Files.createDirectories(dataDir.resolve("tls"));
        Files.copy(other.resolve("cert.pem"), dataDir.resolve("tls/cert.pem"));
        Files.copy(other.resolve("key.pem"), dataDir.resolve("tls/key.pem"));
        WebServer server = TestWebServer.create(dataDir, "pw123456");
        server.start();
        try {
            HttpResponse<String> r = TestHttps.anonymous(server.port()).get("/api/health");
            SSLSession tls = r.sslSession().orElseThrow();
            assertThat(tls.getPeerCertificates()[0]).isEqualTo(mine.leaf());
            assertThat(tls.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        } finally {
            server.close();
        }
    }
}
