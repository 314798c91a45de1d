package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;

/** The VM and GPU REST API on the whole appliance in demo mode: viewers see, operators act. */
class VmApiTest {

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
        Await.value(Duration.ofSeconds(10), VmApiTest::health, h -> h.path("state").asText().equals("connected"),
            "the VM host connected in /api/health");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void healthShowsTheDemoHostConnected() throws Exception {
        JsonNode vm = health();
        assertThat(vm.path("implementation").asText()).isEqualTo("demo");
        assertThat(vm.path("state").asText()).isEqualTo("connected");
        assertThat(vm.path("details").path("driver").asText()).isEqualTo("test");
    }

    @Test
    void viewersSeeVmsAndGpusButCannotAct() throws Exception {
        JsonNode vms = json(call("GET", "/api/vms", "viewer", null), 200);
        assertThat(vms.path("connection").path("state").asText()).isEqualTo("connected");
        assertThat(vms.path("vms")).hasSize(3);
        JsonNode gpus = json(call("GET", "/api/gpus", "viewer", null), 200);
        assertThat(gpus.path("gpus")).hasSize(2);
        assertThat(gpus.path("gadget").path("usbId").asText()).isEqualTo("1d6b:0104");
        assertThat(call("POST", "/api/vms/workstation/start", "viewer", "").statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/gpus/pci_0000_01_00_0/assign", "viewer",
                "{\"vm\":\"workstation\",\"dryRun\":true}").statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/vms", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void movingTheGpuOffARunningVmNeedsConsentThenRunsAsAJob() throws Exception {
        JsonNode dry = json(call("POST", "/api/gpus/pci_0000_01_00_0/assign", "operator",
                "{\"vm\":\"workstation\",\"dryRun\":true}"), 200);
        assertThat(dry.path("plan").path("blockers").toString()).isEqualTo("[\"gaming\"]");
        assertThat(dry.path("plan").path("changes")).hasSize(2);
        assertThat(dry.path("plan").path("changes").get(0).path("diff").asText()).startsWith("--- gaming (now)")
                .contains("-    <hostdev mode='subsystem' type='pci' managed='yes'>");

        HttpResponse<String> refused = call("POST", "/api/gpus/pci_0000_01_00_0/assign", "operator", "{\"vm\":\"workstation\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("gaming is running", "shutdownHolder");

        JsonNode accepted = json(call("POST", "/api/gpus/pci_0000_01_00_0/assign", "operator",
                "{\"vm\":\"workstation\",\"shutdownHolder\":true,\"timeoutSeconds\":10}"), 202);
        String job = accepted.path("job").path("id").asText();
        JsonNode status = Await.value(Duration.ofSeconds(15), () -> json(call("GET", "/api/vm-jobs/" + job, "viewer", null), 200),
            s -> !s.path("state").asText().equals("running"), "job " + job + " finished");
        assertThat(status.path("state").asText()).as(status.toString()).isEqualTo("done");
        JsonNode gpus = json(call("GET", "/api/gpus", "viewer", null), 200);
        assertThat(gpus.path("gpus").get(1).path("heldBy").asText()).isEqualTo("workstation");
        assertThat(gpus.path("gadget").path("heldBy").toString()).isEqualTo("[\"workstation\"]");
    }

    @Test
    void badRequestsGetClearAnswers() throws Exception {
        assertError(call("PUT", "/api/vms/homelab/display", "operator", "{\"mode\":\"vga\"}"), 400, "display mode must be one of");
        assertError(call("PUT", "/api/vms/homelab/display", "operator", "{\"mode\":\"none\",\"bogus\":1}"), 400, "bogus");
        assertError(call("POST", "/api/vms/nope/start", "operator", ""), 404, "nope");
        assertError(call("POST", "/api/gpus/0000:99:00.0/assign", "operator", "{\"vm\":\"homelab\"}"), 404, "no GPU at 0000:99:00.0");
        assertError(call("POST", "/api/gpus/pci_0000_00_02_0/assign", "operator", "{\"vm\":\"homelab\",\"method\":\"mdev\"}"),
                400, "mdevType must be one of");
        assertError(call("POST", "/api/gpus/pci_0000_00_02_0/assign", "operator",
                "{\"vm\":\"homelab\",\"romFile\":\"x'/><evil/>\"}"), 400, "romFile");
    }

    @Test
    void onlyAnAdminSetsVirtualFunctionsAndNeverUnderAVmThatUsesThem() throws Exception {
        String path = "/api/gpus/pci_0000_00_02_0/sriov";
        assertThat(call("PUT", path, "operator", "{\"numvfs\":3,\"confirm\":true}").statusCode()).isEqualTo(403);
        assertError(call("PUT", path, "admin", "{}"), 400, "numvfs is required");
        assertError(call("PUT", path, "admin", "{\"numvfs\":8,\"confirm\":true}"), 400, "numvfs must be from 0 to 7 for 0000:00:02.0; got 8");
        assertError(call("PUT", "/api/gpus/0000:01:00.0/sriov", "admin", "{\"numvfs\":1}"), 404,
                "no SR-IOV physical function at 0000:01:00.0");
        // homelab holds the first VF: it is either running with it or would lose it from its definition.
        assertError(call("PUT", path, "admin", "{\"numvfs\":0,\"confirm\":true}"), 409, "0000:00:02.1 ");
        JsonNode same = json(call("PUT", path, "admin", "{\"numvfs\":2}"), 200);
        assertThat(same.path("before").asInt()).isEqualTo(2);
        assertThat(same.path("after").asInt()).isEqualTo(2);
    }

    @Test
    void displayChangeAndPowerActions() throws Exception {
        JsonNode applied = json(call("PUT", "/api/vms/homelab/display", "operator", "{\"mode\":\"virtio\"}"), 200);
        assertThat(applied.path("applied").asBoolean()).isTrue();
        assertThat(applied.path("plan").path("notes").get(0).asText()).contains("next starts");
        assertThat(json(call("GET", "/api/vms/homelab", "viewer", null), 200).path("displayMode").asText()).isEqualTo("virtio");
        assertThat(json(call("POST", "/api/vms/homelab/force-off", "operator", ""), 200).path("state").asText()).isEqualTo("shut-off");
        assertError(call("POST", "/api/vms/homelab/shutdown", "operator", ""), 409, "already shut-off");
        assertThat(json(call("POST", "/api/vms/homelab/start", "operator", ""), 200).path("state").asText()).isEqualTo("running");
        JsonNode shutdown = json(call("POST", "/api/vms/homelab/shutdown", "operator", "{\"timeoutSeconds\":5}"), 202);
        assertThat(shutdown.path("job").path("kind").asText()).isEqualTo("shutdown");
    }

    private static void assertError(HttpResponse<String> res, int status, String message) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(JSON.readTree(res.body()).path("error").asText()).contains(message);
    }

    private static JsonNode json(HttpResponse<String> res, int status) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        return JSON.readTree(res.body());
    }

    private static JsonNode health() throws Exception {
        return JSON.readTree(call("GET", "/api/health", null, null).body()).path("capabilities").path("vm");
    }

    private static HttpResponse<String> call(String method, String path, String user, String body) throws Exception {
        TestHttps client = user == null ? app.anonymous() : user.equals("admin") ? app.admin() : TestHttps.basic(app.port(), user, PASSWORD);
        HttpRequest.Builder b = client.request(path)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !body.isEmpty()) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b);
    }
}
