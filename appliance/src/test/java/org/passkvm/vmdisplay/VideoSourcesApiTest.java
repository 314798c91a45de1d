package org.passkvm.vmdisplay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;

/**
 * The source switcher's API on the demo appliance (whose demo host has no VM with a VNC console): viewers see the
 * sources, only operators switch, and a source that cannot be shown is refused with why.
 */
class VideoSourcesApiTest {

    private static final String PASSWORD = "correct horse battery staple 42";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static TestAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = TestAppliance.start(dataDir);
        app.appliance().web().accounts().create("viewer", Role.VIEWER, PASSWORD);
        app.appliance().web().accounts().create("operator", Role.OPERATOR, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void viewersSeeTheSourcesAndOnlyOperatorsSwitch() throws Exception {
        JsonNode sources = json(call("GET", "/api/video/sources", "viewer", null), 200);
        assertThat(sources.path("selected").asText()).isEqualTo("hdmi");
        assertThat(sources.path("label").asText()).isEqualTo("HDMI (the VM holding the GPU)");
        assertThat(sources.path("sources").findValuesAsText("id")).containsExactly("hdmi");
        assertThat(call("PUT", "/api/video/source", "viewer", "{\"source\":\"hdmi\"}").statusCode()).isEqualTo(403);
        assertThat(json(call("PUT", "/api/video/source", "operator", "{\"source\":\"hdmi\"}"), 200).path("selected").asText())
                .isEqualTo("hdmi");
    }

    @Test
    void aSourceThatCannotBeShownIsRefusedWithWhy() throws Exception {
        var notRunning = call("PUT", "/api/video/source", "operator", "{\"source\":\"vm:homelab\"}");
        assertThat(notRunning.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(notRunning.body()).path("error").asText())
                .contains("homelab is not a running VM with a virtual display PassKVM can reach");
        var bogus = call("PUT", "/api/video/source", "operator", "{\"source\":\"hdmi2\"}");
        assertThat(bogus.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bogus.body()).path("error").asText()).contains("source must be \"hdmi\" or \"vm:NAME\"");
        assertThat(json(call("GET", "/api/video", "viewer", null), 200).path("source").asText()).isEqualTo("demo");
    }

    private static JsonNode json(HttpResponse<String> res, int status) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        return JSON.readTree(res.body());
    }

    private static HttpResponse<String> call(String method, String path, String user, String body) throws Exception {
        TestHttps client = TestHttps.basic(app.port(), user, PASSWORD);
        HttpRequest.Builder b = client.request(path)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b);
    }
}
