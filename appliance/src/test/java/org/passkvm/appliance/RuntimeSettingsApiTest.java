package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;

/** The admin's run-time settings: checked like the file, kept as overrides in the data directory, live where possible. */
class RuntimeSettingsApiTest {

    @TempDir
    Path dataDir;

    private static JsonNode setting(TestHttps admin, String key) {
        for (JsonNode s : admin.json("GET", "/api/settings/runtime", null).get("settings")) {
            if (s.get("key").asText().equals(key)) {
                return s;
            }
        }
        throw new AssertionError("no setting " + key);
    }

    @Test
    void aLiveSettingAppliesAtOnceOthersSayTheyNeedARestartAndAllSurviveOne() throws Exception {
        try (TestAppliance app = TestAppliance.start(dataDir)) {
            TestHttps admin = app.admin();
            JsonNode jiggler = admin.json("PUT", "/api/settings/runtime", Map.of("key", "hid.jiggler", "value", true));
            assertThat(jiggler.get("live").asBoolean()).isTrue();
            assertThat(jiggler.get("restartPending").asBoolean()).isFalse();
            assertThat(admin.json("GET", "/api/hid/jiggler", null).get("enabled").asBoolean()).as("applied at once").isTrue();

            JsonNode bitrate = admin.json("PUT", "/api/settings/runtime", Map.of("key", "video.h264.bitrate_kbps", "value", 2000));
            assertThat(bitrate.get("value").asInt()).isEqualTo(2000);
            assertThat(bitrate.get("restartPending").asBoolean()).as("the encoder takes it at the next start").isTrue();

            var bad = admin.call("PUT", "/api/settings/runtime", Map.of("key", "video.h264.bitrate_kbps", "value", 5));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("video.h264.bitrate_kbps").contains("100");
            assertThat(admin.call("PUT", "/api/settings/runtime", Map.of("key", "web.hostname", "value", "x")).statusCode()).isEqualTo(400);
            assertThat(admin.call("PUT", "/api/settings/runtime", Map.of("key", "hid.keyboard_layout", "value", "klingon")).statusCode()).isEqualTo(400);

            app.appliance().web().accounts().create("op", Role.OPERATOR, "operator password 1");
            TestHttps op = TestHttps.basic(app.port(), "op", "operator password 1");
            assertThat(op.call("PUT", "/api/settings/runtime", Map.of("key", "hid.jiggler", "value", false)).statusCode()).isEqualTo(403);

            assertThat(Files.readString(app.dataDir().resolve("settings-overrides.json"))).contains("\"video.h264.bitrate_kbps\" : 2000");
            assertThat(app.dataDir().toFile().list((d, n) -> n.endsWith(".tmp"))).as("no temporary files left").isEmpty();
            assertThat(Files.readString(app.dataDir().resolve("audit.log"))).contains("/api/settings/runtime");
        }
        try (TestAppliance again = TestAppliance.start(dataDir)) {
            TestHttps admin = again.admin();
            assertThat(setting(admin, "video.h264.bitrate_kbps").get("restartPending").asBoolean()).as("running with it now").isFalse();
            assertThat(setting(admin, "video.h264.bitrate_kbps").get("value").asInt()).isEqualTo(2000);
            assertThat(admin.json("GET", "/api/hid/jiggler", null).get("enabled").asBoolean()).as("on from the start").isTrue();
            Map<String, Object> back = new HashMap<>();
            back.put("key", "video.h264.bitrate_kbps");
            back.put("value", null);
            assertThat(admin.json("PUT", "/api/settings/runtime", back).get("value").asInt()).as("back to the file's").isEqualTo(4000);
        }
    }

    @Test
    void ipmiSwitchedOffInTheSettingsIsOffFromTheNextStart() throws Exception {
        try (TestAppliance app = TestAppliance.startWithIpmi(dataDir, "")) {
            TestHttps admin = app.admin();
            assertThat(admin.json("GET", "/api/health", null).at("/capabilities/ipmi/state").asText()).isEqualTo("listening");
            JsonNode off = admin.json("PUT", "/api/settings/runtime", Map.of("key", "ipmi.enabled", "value", false));
            assertThat(off.get("restartPending").asBoolean()).as("the UDP port closes at the next start").isTrue();
        }
        try (TestAppliance again = TestAppliance.startWithIpmi(dataDir, "")) {
            assertThat(again.admin().json("GET", "/api/health", null).at("/capabilities").has("ipmi")).isFalse();
        }
    }
}
