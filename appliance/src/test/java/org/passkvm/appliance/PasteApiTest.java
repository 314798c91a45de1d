package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Await;
import org.passkvm.web.Json;
import org.passkvm.web.TestHttps;

/** Paste through the whole appliance in demo mode: the simulated target must read back what was pasted. */
class PasteApiTest {

    @TempDir
    Path dataDir;
    private TestAppliance app;
    private TestHttps client;

    private TestHttps start(String yaml) throws Exception {
        app = TestAppliance.start(dataDir, yaml == null ? "" : yaml);
        client = app.admin();
        return client;
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void pastedTextAppearsOnTheSimulatedTarget() throws Exception {
        start(null);
        HttpResponse<String> started = client.call("POST", "/api/hid/paste",
                Map.of("text", "echo Hello, World! {1+1}", "delayMs", 1));
        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(TestHttps.json(started).get("state").asText()).isEqualTo("typing");
        JsonNode done = awaitPaste(client);
        assertThat(done.get("state").asText()).isEqualTo("done");
        assertThat(done.get("typed").asInt()).isEqualTo(24);
        assertThat(targetLines()).contains("demo$ echo Hello, World! {1+1}");
    }

    @Test
    void theTargetsLayoutComesFromTheConfigAndDeadKeysAndAltGrArrive() throws Exception {
        start("hid:\n  keyboard_layout: de\n");
        assertThat(client.json("GET", "/api/hid/layouts", null).get("default").asText()).isEqualTo("de");
        assertThat(client.call("POST", "/api/hid/paste", Map.of("text", "Grüße ^ 5 € @ {x} â", "delayMs", 1)).statusCode())
                .isEqualTo(202);
        awaitPaste(client);
        assertThat(targetLines()).contains("demo$ Grüße ^ 5 € @ {x} â");
    }

    @Test
    void aSecondPasteWhileOneTypesIsAConflictAndAbortReleasesEverything() throws Exception {
        start(null);
        assertThat(client.call("POST", "/api/hid/paste", Map.of("text", "x".repeat(200), "delayMs", 50)).statusCode())
                .isEqualTo(202);
        HttpResponse<String> second = client.call("POST", "/api/hid/paste", Map.of("text", "y"));
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(TestHttps.json(second).get("error").asText()).contains("already typing");
        HttpResponse<String> aborted = client.call("DELETE", "/api/hid/paste", null);
        assertThat(aborted.statusCode()).isEqualTo(200);
        assertThat(TestHttps.json(aborted).get("state").asText()).isEqualTo("aborted");
        assertThat(TestHttps.json(aborted).get("typed").asInt()).isLessThan(200);
        assertThat(app.appliance().parts().simulator().state().keystrokes()).isPositive();
        assertThat(client.call("POST", "/api/hid/paste", Map.of("text", "ok", "delayMs", 0)).statusCode()).isEqualTo(202);
    }

    @Test
    void badPastesAreRefusedWithAClearMessage() throws Exception {
        start(null);
        HttpResponse<String> unknown = client.call("POST", "/api/hid/paste", Map.of("text", "x", "layout", "klingon"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(TestHttps.json(unknown).get("error").asText()).contains("unknown layout 'klingon'");

        HttpResponse<String> untypable = client.call("POST", "/api/hid/paste", Map.of("text", "cd ~/x", "layout", "it"));
        assertThat(untypable.statusCode()).isEqualTo(422);
        assertThat(TestHttps.json(untypable).get("error").asText())
                .contains("layout it cannot type 1 character: '~' (U+007E) at 3");

        HttpResponse<String> skipped = client.call("POST", "/api/hid/paste",
                Map.of("text", "cd ~/x", "layout", "it", "skipUntypable", true, "delayMs", 0));
        assertThat(skipped.statusCode()).isEqualTo(202);
        assertThat(TestHttps.json(skipped).at("/skipped/0/codePoint").asText()).isEqualTo("U+007E");
        awaitPaste(client);

        assertThat(client.call("POST", "/api/hid/paste", Map.of("text", "x", "delayMs", 5000)).statusCode()).isEqualTo(400);
        assertThat(client.call("POST", "/api/hid/paste", Map.of("layout", "us")).statusCode()).isEqualTo(400);
        assertThat(client.call("POST", "/api/hid/paste", Map.of("text", "x", "speed", 3)).statusCode()).isEqualTo(400);
    }

    @Test
    void layoutsAreListed() throws Exception {
        start(null);
        JsonNode layouts = client.json("GET", "/api/hid/layouts", null);
        assertThat(layouts.get("default").asText()).isEqualTo("us");
        assertThat(layouts.get("layouts")).hasSize(11);
        assertThat(layouts.at("/layouts/2/name").asText()).isEqualTo("de");
        assertThat(client.json("GET", "/api/hid/paste", null).get("state").asText()).isEqualTo("idle");
        assertThat(client.json("GET", "/api/hid/layouts/de", null).at("/keys/KeyQ/2").asText()).isEqualTo("@");
        assertThat(client.call("GET", "/api/hid/layouts/xx", null).statusCode()).isEqualTo(404);
    }

    @Test
    void anUnknownConfiguredLayoutStopsStartupNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start("hid:\n  keyboard_layout: xx\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keyboard_layout");
    }

    /** Polls GET /api/hid/paste until the job stops typing. */
    static JsonNode awaitPaste(TestHttps client) {
        return Await.value(Duration.ofSeconds(20), () -> client.json("GET", "/api/hid/paste", null),
                p -> !p.get("state").asText().equals("typing"), "the paste job to stop typing");
    }

    private List<String> targetLines() throws Exception {
        return Json.MAPPER.convertValue(client.json("GET", "/api/demo/target", null).get("lines"),
                Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
    }
}
