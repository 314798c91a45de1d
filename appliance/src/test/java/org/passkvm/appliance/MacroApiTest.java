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

/** Macros through the whole appliance in demo mode: written as text, stored per user, replayed onto the target. */
class MacroApiTest {

    @TempDir
    Path dataDir;

    private static JsonNode awaitEnd(TestHttps client) {
        return Await.value(Duration.ofSeconds(15), () -> client.json("GET", "/api/hid/macros/run", null),
                p -> !p.get("state").asText().equals("RUNNING"), "the macro to end");
    }

    @Test
    void aMacroWrittenAsTextIsStoredPerUserAndReplayedOntoTheTargetThroughTheApi() throws Exception {
        try (TestAppliance app = TestAppliance.start(dataDir)) {
            TestHttps admin = app.admin();
            String script = "# greet the target\ntype echo macro 1\ntap Enter\nmove 16384 16384\nclick left\nwait 10\n";
            var saved = admin.call("PUT", "/api/hid/macros/greet", Map.of("script", script, "hotkey", 1));
            assertThat(saved.statusCode()).isEqualTo(200);
            assertThat(Files.readString(app.dataDir().resolve("macros/admin.json"))).contains("echo macro 1");
            assertThat(app.dataDir().resolve("macros").toFile().list()).as("no temporary files left").containsExactly("admin.json");

            var run = admin.call("POST", "/api/hid/macros/greet/run", Map.of("delayMs", 1));
            assertThat(run.statusCode()).isEqualTo(202);
            JsonNode end = awaitEnd(admin);
            assertThat(end.get("state").asText()).isEqualTo("DONE");
            assertThat(end.get("step").asInt()).isEqualTo(5);
            assertThat(app.target().state().lines()).contains("demo$ echo macro 1");
            assertThat(app.target().state().clicks()).isNotEmpty();

            // Another user has their own (empty) list and cannot run the admin's.
            app.appliance().web().accounts().create("op", Role.OPERATOR, "operator password 1");
            TestHttps op = TestHttps.basic(app.port(), "op", "operator password 1");
            assertThat(op.json("GET", "/api/hid/macros", null).get("macros")).isEmpty();
            assertThat(op.call("POST", "/api/hid/macros/greet/run", Map.of()).statusCode()).isEqualTo(404);

            // Bad text is refused with the line; a long wait is aborted and lets go of everything.
            var bad = admin.call("PUT", "/api/hid/macros/broken", Map.of("script", "tap ControlLeft+Nope"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("line 1").contains("unknown key code 'Nope'");
            admin.call("PUT", "/api/hid/macros/slow", Map.of("script", "down ShiftLeft\nwait 60000"));
            assertThat(admin.call("POST", "/api/hid/macros/slow/run", Map.of()).statusCode()).isEqualTo(202);
            assertThat(admin.call("POST", "/api/hid/macros/greet/run", Map.of()).statusCode()).as("one run at a time").isEqualTo(409);
            assertThat(admin.json("DELETE", "/api/hid/macros/run", null).get("state").asText()).isEqualTo("ABORTED");
            assertThat(app.appliance().parts().provided(org.passkvm.hid.HidInput.class).orElseThrow().anyKeyDown()).as("Shift let go").isFalse();
        }
    }
}
