package org.passkvm.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;

/** The doctor's API on the demo appliance (its recorded host), and with VM control off. */
class DoctorApiTest {

    private static final String PASSWORD = "correct horse battery staple 42";

    @TempDir
    Path tmp;

    @Test
    void operatorsSurveyAdminsAloneSeeAndApplyFixesAndHealthCountsTheChecks() throws Exception {
        try (TestAppliance app = TestAppliance.start(tmp)) {
            app.appliance().web().accounts().create("operator", Role.OPERATOR, PASSWORD);
            TestHttps operator = TestHttps.basic(app.port(), "operator", PASSWORD);

            JsonNode report = operator.json("GET", "/api/host/checks", null);
            HttpResponse<String> operatorPlan = operator.call("GET", "/api/host/checks/kvm-msrs/fix", null);
            HttpResponse<String> operatorApply = operator.call("POST", "/api/host/checks/kvm-msrs/fix", Map.of("confirm", true));
            HttpResponse<String> unconfirmed = app.admin().call("POST", "/api/host/checks/kvm-msrs/fix", Map.of());
            HttpResponse<String> noFix = app.admin().call("GET", "/api/host/checks/iommu/fix", null);
            HttpResponse<String> noCheck = app.admin().call("POST", "/api/host/checks/rm%20-rf/fix", Map.of("confirm", true));
            HttpResponse<String> stale = app.admin().call("POST", "/api/host/checks/kvm-msrs/fix", Map.of("confirm", true, "digest", "00"));
            JsonNode health = app.anonymous().json("GET", "/api/health", null).path("capabilities").path("doctor");

            assertThat(report.path("host").asText()).isEqualTo("recorded");
            assertThat(report.path("checks").size()).isEqualTo(Checks.all().size());
            assertThat(report.path("counts").path("warn").asInt()).isEqualTo(4);
            assertThat(operatorPlan.statusCode()).isEqualTo(403);
            assertThat(operatorApply.statusCode()).isEqualTo(403);
            assertThat(unconfirmed.statusCode()).isEqualTo(400);
            assertThat(TestHttps.json(unconfirmed).path("error").asText()).startsWith("confirm: true is required");
            assertThat(noFix.statusCode()).isEqualTo(404);
            assertThat(noCheck.statusCode()).isEqualTo(404);
            assertThat(stale.statusCode()).isEqualTo(409);
            assertThat(health.path("implementation").asText()).isEqualTo("recorded");
            assertThat(health.path("state").asText()).isEqualTo("warnings");
            assertThat(health.path("details").path("warn").asInt()).isEqualTo(4);
        }
    }

    @Test
    void withVmControlOffTheDoctorAnswers503WithWhy() throws Exception {
        try (TestAppliance app = TestAppliance.start(tmp, "vm:\n  uri: \"off\"\n")) {
            HttpResponse<String> r = app.admin().call("GET", "/api/host/checks", null);

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(TestHttps.json(r).path("error").asText()).isEqualTo("the passthrough doctor needs the VM host: VM control is off (vm.uri: off)");
            assertThat(app.anonymous().json("GET", "/api/health", null).path("capabilities").path("doctor").path("state").asText())
                    .isEqualTo("off");
        }
    }
}
