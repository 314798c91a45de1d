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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.Json;

/** Paste through the whole appliance in demo mode: the simulated target must read back what was pasted. */
class PasteApiTest {

    static {
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }

    private static final String PASSWORD = "paste-test-password-1";

    @TempDir
    Path dataDir;
    private Appliance appliance;
    private HttpClient http;
    private String auth;

    private void start(String yaml) throws Exception {
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

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void pastedTextAppearsOnTheSimulatedTarget() throws Exception {
        start(null);
        HttpResponse<String> started = call("POST", "/api/hid/paste", Map.of("text", "echo Hello, World! {1+1}", "delayMs", 1));
        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(json(started).get("state").asText()).isEqualTo("typing");
        JsonNode done = awaitPaste();
        assertThat(done.get("state").asText()).isEqualTo("done");
        assertThat(done.get("typed").asInt()).isEqualTo(24);
        assertThat(targetLines()).contains("demo$ echo Hello, World! {1+1}");
    }

    @Test
    void theTargetsLayoutComesFromTheConfigAndDeadKeysAndAltGrArrive() throws Exception {
        start("hid:\n  keyboard_layout: de\n");
        assertThat(json(call("GET", "/api/hid/layouts", null)).get("default").asText()).isEqualTo("de");
        assertThat(call("POST", "/api/hid/paste", Map.of("text", "Grüße ^ 5 € @ {x} â", "delayMs", 1)).statusCode())
                .isEqualTo(202);
        awaitPaste();
        assertThat(targetLines()).contains("demo$ Grüße ^ 5 € @ {x} â");
    }

    @Test
    void aSecondPasteWhileOneTypesIsAConflictAndAbortReleasesEverything() throws Exception {
        start(null);
        assertThat(call("POST", "/api/hid/paste", Map.of("text", "x".repeat(200), "delayMs", 50)).statusCode()).isEqualTo(202);
        HttpResponse<String> second = call("POST", "/api/hid/paste", Map.of("text", "y"));
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).get("error").asText()).contains("already typing");
        HttpResponse<String> aborted = call("DELETE", "/api/hid/paste", null);
        assertThat(aborted.statusCode()).isEqualTo(200);
        assertThat(json(aborted).get("state").asText()).isEqualTo("aborted");
        assertThat(json(aborted).get("typed").asInt()).isLessThan(200);
        assertThat(appliance.parts().simulator().state().keystrokes()).isPositive();
        assertThat(json(call("GET", "/api/hid", null)).get("output").asText()).isEqualTo("demo");
        assertThat(call("POST", "/api/hid/paste", Map.of("text", "ok", "delayMs", 0)).statusCode()).isEqualTo(202);
    }

    @Test
    void badPastesAreRefusedWithAClearMessage() throws Exception {
        start(null);
        HttpResponse<String> unknown = call("POST", "/api/hid/paste", Map.of("text", "x", "layout", "klingon"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("error").asText()).contains("unknown layout 'klingon'");

        HttpResponse<String> untypable = call("POST", "/api/hid/paste", Map.of("text", "cd ~/x", "layout", "it"));
        assertThat(untypable.statusCode()).isEqualTo(422);
        assertThat(json(untypable).get("error").asText()).contains("layout it cannot type 1 character: '~' (U+007E) at 3");

        HttpResponse<String> skipped = call("POST", "/api/hid/paste",
                Map.of("text", "cd ~/x", "layout", "it", "skipUntypable", true, "delayMs", 0));
        assertThat(skipped.statusCode()).isEqualTo(202);
        assertThat(json(skipped).at("/skipped/0/codePoint").asText()).isEqualTo("U+007E");
        awaitPaste();

        assertThat(call("POST", "/api/hid/paste", Map.of("text", "x", "delayMs", 5000)).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/hid/paste", Map.of("layout", "us")).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/hid/paste", Map.of("text", "x", "speed", 3)).statusCode()).isEqualTo(400);
    }

    @Test
    void layoutsAreListed() throws Exception {
        start(null);
        JsonNode layouts = json(call("GET", "/api/hid/layouts", null));
        assertThat(layouts.get("default").asText()).isEqualTo("us");
        assertThat(layouts.get("layouts")).hasSize(11);
        assertThat(layouts.at("/layouts/2/name").asText()).isEqualTo("de");
        assertThat(json(call("GET", "/api/hid/paste", null)).get("state").asText()).isEqualTo("idle");
    }

    private JsonNode awaitPaste() throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        JsonNode p;
        do {
            Thread.sleep(20);
            p = json(call("GET", "/api/hid/paste", null));
        } while (p.get("state").asText().equals("typing") && System.currentTimeMillis() < deadline);
        return p;
    }

    private java.util.List<String> targetLines() throws Exception {
        return Json.MAPPER.convertValue(json(call("GET", "/api/demo/target", null)).get("lines"),
                Json.MAPPER.getTypeFactory().constructCollectionType(java.util.List.class, String.class));
    }

    private HttpResponse<String> call(String method, String path, Object body) throws Exception {
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

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
