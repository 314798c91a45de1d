package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Await;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;

/** The mouse jiggler through the whole appliance: off by default, turned on over REST, nudging with no browser open. */
class JigglerApiTest {

    @TempDir
    Path dataDir;

    @Test
    void offByDefaultAnOperatorTurnsItOnItNudgesTheTargetWithNoBrowserAndEveryChangeIsAudited() throws Exception {
        try (TestAppliance app = TestAppliance.start(dataDir)) {
            TestHttps admin = app.admin();
            assertThat(admin.json("GET", "/api/hid/jiggler", null).get("enabled").asBoolean()).isFalse();

            app.appliance().web().accounts().create("watcher", Role.VIEWER, "watcher password 1");
            TestHttps viewer = TestHttps.basic(app.port(), "watcher", "watcher password 1");
            assertThat(viewer.call("PUT", "/api/hid/jiggler", Map.of("enabled", true)).statusCode()).isEqualTo(403);
            var bad = admin.call("PUT", "/api/hid/jiggler", Map.of("enabled", true, "intervalSeconds", 1));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("interval must be from 5 to 3600 seconds");

            var on = admin.json("PUT", "/api/hid/jiggler", Map.of("enabled", true, "intervalSeconds", 5));
            assertThat(on.get("enabled").asBoolean()).isTrue();
            assertThat(on.get("intervalSeconds").asInt()).isEqualTo(5);
            int x = app.target().state().pointerX();
            JsonNode nudged = Await.value(Duration.ofSeconds(12), () -> admin.json("GET", "/api/hid/jiggler", null),
                    s -> s.get("nudges").asLong() >= 1, "a nudge after 5 s of quiet");
            assertThat(nudged.get("paused").asBoolean()).isFalse();
            // Back where it was (to the rounding: the demo target starts at 640, the HID's middle of 0..32767 is 639).
            assertThat(app.target().state().pointerX()).as("the pointer back where it was").isCloseTo(x, org.assertj.core.data.Offset.offset(1));

            admin.call("PUT", "/api/hid/jiggler", Map.of("enabled", false));
            assertThat(Files.readString(app.dataDir().resolve("audit.log"))).contains("PUT").contains("/api/hid/jiggler");
        }
    }
}
