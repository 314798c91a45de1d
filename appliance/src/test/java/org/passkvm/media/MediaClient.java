package org.passkvm.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.web.Json;
import org.passkvm.web.TestHttps;

/**
 * The admin calling the media API as scripts do, on {@link TestHttps} with room for big uploads, and the media
 * helpers the tests share: raw PUT with {@code Expect: 100-continue}, one image's listing entry.
 */
final class MediaClient {

    /** The test VM emulates its CPU (several times slower than the machine): allow for it there. */
    static final Duration SLOW = Duration.ofSeconds(Long.getLong("media.test.timeout.seconds", 10));

    private final TestHttps http;

    private MediaClient(int port) {
        this.http = TestHttps.basic(port, "admin", TestAppliance.PASSWORD, SLOW, SLOW.multipliedBy(30));
    }

    static MediaClient of(TestAppliance app) {
        return new MediaClient(app.port());
    }

    /** A client for an appliance (maybe another process) whose admin has chosen {@link TestAppliance#PASSWORD}. */
    static MediaClient existing(int port) {
        return new MediaClient(port);
    }

    HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        return send(request(method, path, body));
    }

    /** Sends as it is, the client's failures (a closed connection) thrown as they are. */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String method, String path, HttpRequest.BodyPublisher body) {
        return builder(path).method(method, body).build();
    }

    HttpRequest.Builder builder(String path) {
        return http.request(path).header("Content-Type", "application/json");
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
        URI uri = URI.create(http.base());
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestHttps.trustAll().getSocketFactory()
                .createSocket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout((int) SLOW.toMillis());
            String head = "PUT " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Authorization: " + http.authorization() + "\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\n"
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
        return Json.MAPPER.readTree(r.body());
    }

    /** The listing entry of one image, or null. */
    JsonNode image(String name) throws IOException, InterruptedException {
        for (JsonNode n : Json.MAPPER.readTree(get("/api/media/images").body())) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        return null;
    }
}
