package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.passkvm.web.Json;

/** Starts the appliance in a temporary data directory and talks to its API as a script would (HTTP Basic). */
final class TestClient implements AutoCloseable {

    static {
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }

    static final String PASSWORD = "keys-test-password-1";

    final Appliance appliance;
    private final HttpClient http;
    private String auth;

    TestClient(Path dataDir, String yaml) throws Exception {
        Config config = Config.empty();
        if (yaml != null) {
            Path file = dataDir.resolve("passkvm.yaml");
            Files.writeString(file, yaml);
            config = Config.load(file);
        }
        appliance = Appliance.start(new StartupOptions(null, dataDir, 0, 0, 0, "127.0.0.1"), config);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        String initial = Files.readString(dataDir.resolve("initial-admin-password")).strip();
        auth = basic("admin", initial);
        assertThat(call("POST", "/api/auth/password",
                Map.of("currentPassword", initial, "newPassword", PASSWORD)).statusCode()).isLessThan(300);
        auth = basic("admin", PASSWORD);
    }

    HttpResponse<String> call(String method, String path, Object body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + appliance.web().port() + path))
                .header("Authorization", auth).timeout(Duration.ofSeconds(10));
        if (body == null) {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            req.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    JsonNode json(String method, String path, Object body) throws Exception {
        return json(call(method, path, body));
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    /** Polls GET /api/hid/paste until the job stops typing. */
    JsonNode awaitPaste() throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        JsonNode p;
        do {
            Thread.sleep(20);
            p = json("GET", "/api/hid/paste", null);
        } while (p.get("state").asText().equals("typing") && System.currentTimeMillis() < deadline);
        return p;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        appliance.close();
    }
}
