package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.Json;

class ApplianceStartTest {

    @TempDir
    Path dir;

    @Test
    void onALaptopEveryCapabilityRunsOnItsDemoPartAndHealthSaysSo() throws Exception {
        long started = System.nanoTime();
        try (TestAppliance app = TestAppliance.start(dir)) {
            var health = app.anonymous().get("/api/health");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(millis).as("health within 10 s of start").isLessThan(10_000);
            JsonNode caps = Json.MAPPER.readTree(health.body()).get("capabilities");
            assertThat(caps.get("hid").get("implementation").asText()).isEqualTo("demo");
            assertThat(caps.get("hid").get("state").asText()).isEqualTo("configured");
        }
    }

    @Test
    void perDeviceSecretsAreCreatedOnFirstStartAndKeptAfterwards() throws Exception {
        String fingerprint;
        try (TestAppliance app = TestAppliance.start(dir)) {
            fingerprint = java.nio.file.Files.readString(app.dataDir().resolve("tls/cert.pem"));
            assertThat(app.dataDir().resolve("tls/key.pem")).exists();
            assertThat(java.nio.file.Files.getPosixFilePermissions(app.dataDir().resolve("tls/key.pem")))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
        try (TestAppliance again = TestAppliance.start(dir)) {
            assertThat(java.nio.file.Files.readString(again.dataDir().resolve("tls/cert.pem"))).isEqualTo(fingerprint);
            assertThat(again.admin().get("/api/hid").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void typingThroughTheApiReachesTheSimulatedTarget() throws Exception {
        try (TestAppliance app = TestAppliance.start(dir)) {
            var admin = app.admin();
            for (String code : new String[] {"KeyH", "KeyI"}) {
                assertThat(admin.post("/api/hid/key", "{\"code\":\"" + code + "\"}").statusCode()).isEqualTo(200);
            }
            JsonNode target = Json.MAPPER.readTree(admin.get("/api/demo/target").body());
            JsonNode lines = target.get("lines");
            assertThat(lines.get(lines.size() - 1).asText()).endsWith("hi");
        }
    }

    @Test
    void unknownKeyCodesAreRefusedWithAClearMessage() throws Exception {
        try (TestAppliance app = TestAppliance.start(dir)) {
            var r = app.admin().post("/api/hid/key", "{\"code\":\"KeyÄ\"}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("unknown key code");
        }
    }
}
