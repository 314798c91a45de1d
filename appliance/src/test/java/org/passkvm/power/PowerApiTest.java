package org.passkvm.power;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;

/** The power REST API and its WebSocket on the demo appliance. */
class PowerApiTest {

    @TempDir
    static Path dir;
    static TestAppliance app;

    @BeforeAll
    static void start() throws Exception {
        // A reset press long enough that the "busy" requests below land inside it even on a slow machine.
        app = DemoPower.start(dir, DemoPower.YAML.replace("reset_press_ms: 150", "reset_press_ms: 2000"));
        app.appliance().web().accounts().create("vera", Role.VIEWER, "viewer-password");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static void waitIdle() throws InterruptedException {
        Await.until(Duration.ofSeconds(15), () -> app.admin().get("/api/power").body().contains("\"busy\":null"), "no power action busy");
    }

    @Test
    void theRestApiReportsStateRefusesASecondActionAndNamesUnknownOnes() throws Exception {
        waitIdle();
        TestHttps admin = app.admin();
        JsonNode state = json(admin.get("/api/power"));
        assertThat(state.get("atx").asText()).isEqualTo("demo");
        assertThat(state.get("power").asText()).isIn("on", "off");
        HttpResponse<String> first = admin.post("/api/power/reset", "");
        assertThat(first.statusCode()).isEqualTo(202);
        HttpResponse<String> second = admin.post("/api/power/reset", "");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).get("error").asText()).contains("busy");
        HttpResponse<String> redfishBusy = admin.post("/redfish/v1/Systems/host/Actions/ComputerSystem.Reset", "{\"ResetType\":\"On\"}");
        assertThat(redfishBusy.statusCode()).isEqualTo(409);
        assertThat(json(redfishBusy).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.ResourceInUse");
        waitIdle();
        HttpResponse<String> unknown = admin.post("/api/power/explode", "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).contains("off_hard");
        HttpResponse<String> wol = admin.post("/api/power/wol", "");
        assertThat(wol.statusCode()).isEqualTo(409);
        assertThat(json(wol).get("error").asText()).contains("wol.mac");
        HttpResponse<String> waited = admin.post("/api/power/on?wait=true", "");
        assertThat(waited.statusCode()).isEqualTo(200);
        assertThat(json(waited).has("pressed")).isTrue();
        assertThat(TestHttps.basic(app.port(), "vera", "viewer-password").post("/api/power/off", "").statusCode()).isEqualTo(403);
        JsonNode health = json(TestHttps.anonymous(app.port()).get("/api/health"));
        assertThat(health.at("/capabilities/atx/implementation").asText()).isEqualTo("demo");
        assertThat(health.at("/capabilities/ipmi/details/port").asInt()).isEqualTo(app.ipmiPort());
    }

    @Test
    void theWebSocketPushesEveryStateChange() throws Exception {
        waitIdle();
        List<String> messages = new CopyOnWriteArrayList<>();
        TestHttps viewer = TestHttps.basic(app.port(), "vera", "viewer-password");
        WebSocket ws = viewer.webSocket("/api/power/ws", new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(partial.toString());
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        try {
            Await.until(Duration.ofSeconds(5), () -> !messages.isEmpty(), "a first power message");
            assertThat(messages.get(0)).contains("\"power\":\"on\"");
            assertThat(app.admin().post("/api/power/off", "").statusCode()).isEqualTo(202);
            Await.until(Duration.ofSeconds(5), () -> messages.stream().anyMatch(m -> m.contains("\"busy\":\"off\"")), "a message busy off");
            Await.until(Duration.ofSeconds(10), () -> messages.stream().anyMatch(m -> m.contains("\"power\":\"off\"")), "a message power off");
            waitIdle();
            app.admin().post("/api/power/on?wait=true", "");
            Await.until(Duration.ofSeconds(10), () -> messages.get(messages.size() - 1).contains("\"power\":\"on\""), "the last message power on");
        } finally {
            ws.abort();
        }
    }
}
