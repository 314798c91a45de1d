package org.passkvm.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** An API caller for tests: HTTPS to a PassKVM on loopback (its self-signed certificate trusted), HTTP Basic as admin. */
final class MediaClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "media-test-password-1";
    /** The test VM emulates its CPU (several times slower than the machine): allow for it there. */
    static final Duration SLOW = Duration.ofSeconds(Long.getLong("media.test.timeout.seconds", 10));

    private final HttpClient http;
    private final String base;
    private final String auth;

    private MediaClient(int port, String password) {
        this.http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(SLOW).build();
        this.base = "https://127.0.0.1:" + port;
        this.auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces the generated admin password (required before any other call) and returns a client using the new one. */
    static MediaClient login(int port, Path dataDir) throws IOException, InterruptedException {
        String initial = Files.readString(dataDir.resolve("initial-admin-password")).strip();
        MediaClient first = new MediaClient(port, initial);
        HttpResponse<String> r = first.send("POST", "/api/auth/password",
            HttpRequest.BodyPublishers.ofString("{\"currentPassword\":\"" + initial + "\",\"newPassword\":\"" + PASSWORD + "\"}"));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("password change failed: " + r.statusCode() + " " + r.body());
        }
        return new MediaClient(port, PASSWORD);
    }

    /** A client for an appliance whose admin password was already changed by {@link #login}. */
    static MediaClient existing(int port) {
        return new MediaClient(port, PASSWORD);
    }

    HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        return send(request(method, path, body));
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String method, String path, HttpRequest.BodyPublisher body) {
        return builder(path).method(method, body).build();
    }

    HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(SLOW.multipliedBy(30))
            .header("Authorization", auth).header("Content-Type", "application/json");
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(json));
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, HttpRequest.BodyPublishers.noBody());
    }

    HttpResponse<String> put(String path, byte[] content) throws IOException, InterruptedException {
        return send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(content));
    }

    /**
     * Sends only the headers of a PUT announcing {@code length} bytes with {@code Expect: 100-continue} and returns
     * what the server answers before any of the body is sent ("HTTP/1.1 100" if it wants the body).
     */
    String rawPutHeadersOnly(String path, long length) throws IOException {
        URI uri = URI.create(base);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustAll().getSocketFactory()
                .createSocket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout((int) SLOW.toMillis());
            String head = "PUT " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Authorization: " + auth + "\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\n"
                + "Connection: close\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = s.getInputStream().read(buf)) != -1; ) {
                    got.write(buf, 0, n);
                    if (got.toString(StandardCharsets.UTF_8).startsWith("HTTP/1.1 100")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // whatever came is the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The listing entry of one image, or null. */
    JsonNode image(String name) throws IOException, InterruptedException {
        for (JsonNode n : JSON.readTree(get("/api/media/images").body())) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        return null;
    }

    static SSLContext trustAll() {
        X509ExtendedTrustManager all = new X509ExtendedTrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
            public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public void checkServerTrusted(X509Certificate[] c, String a) {}
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {all}, null);
            return ssl;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
