package org.passkvm.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.HandClock;
import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;
import org.passkvm.web.TestWebServer;
import org.passkvm.web.WebServer;

/** The audit log under attack: what anyone can send must not flush what the admins did. */
class AuditTest {

    @TempDir
    Path dataDir;

    private final HandClock clock = new HandClock();

    @Test
    void fifteenFailedLoginsWithHugeNamesDoNotRollAwayTheAdminsEntries() throws Exception {
        try (WebServer server = TestWebServer.create(dataDir, "admin password")) {
            server.api().post("/api/thing", Role.ADMIN, ctx -> ctx.json(Map.of("ok", true)));
            server.start();
            TestHttps admin = TestHttps.basic(server.port(), "admin", "admin password");
            for (int i = 0; i < 74; i++) {
                assertThat(admin.post("/api/thing", "{}").statusCode()).isEqualTo(200);
            }
            TestHttps anon = TestHttps.anonymous(server.port());
            String huge = "x".repeat(990_000);
            for (int i = 0; i < 15; i++) {
                assertThat(anon.post("/api/auth/login", "{\"user\":\"" + i + huge + "\",\"password\":\"guess\"}").statusCode())
                        .isEqualTo(401);
            }
            JsonNode log = Json.MAPPER.readTree(admin.get("/api/audit?limit=1000").body());
            long adminEntries = 0;
            long failures = 0;
            int longestName = 0;
            for (JsonNode e : log) {
                if ("/api/thing".equals(e.path("target").asText())) {
                    adminEntries++;
                }
                if ("failed".equals(e.path("target").asText())) {
                    failures += e.path("count").asLong();
                    longestName = Math.max(longestName, e.path("user").asText().length());
                }
            }
            assertThat(adminEntries).as("the admin's entries survive").isEqualTo(74);
            assertThat(failures).as("every failure is counted").isEqualTo(15);
            assertThat(longestName).as("user names cut short").isLessThanOrEqualTo(Audit.MAX_NAME + 1);
            long bytes = Files.size(dataDir.resolve("audit.log")) + Files.size(dataDir.resolve("audit-failures.log"));
            assertThat(bytes).as("the attack's bytes stay out").isLessThan(64 * 1024);
        }
    }

    @Test
    void failedLoginsAreOneLinePerSourceAndMinute() throws Exception {
        Audit audit = new Audit(dataDir, clock);
        for (int i = 0; i < 500; i++) {
            audit.failedLogin("127.0.0.2", "user" + i);
        }
        audit.failedLogin("127.0.0.3", "admin");
        clock.advance(Duration.ofMinutes(1));
        audit.failedLogin("127.0.0.2", "admin");
        List<Map<String, Object>> entries = audit.tail(100);
        assertThat(entries).hasSize(3);
        assertThat(entries.get(0)).containsEntry("address", "127.0.0.2").containsEntry("count", 500)
                .containsEntry("users", List.of("user0", "user1", "user2"));
        assertThat(entries.get(1)).containsEntry("address", "127.0.0.3").containsEntry("count", 1);
        assertThat(entries.get(2)).containsEntry("address", "127.0.0.2").containsEntry("count", 1);
    }

    @Test
    void whatAnAttackerTypesStaysOneShortLine() throws Exception {
        Audit audit = new Audit(dataDir, clock);
        audit.record("admin", "127.0.0.1", "POST", "/api/x\n{\"user\":\"root\"}\u202e\u0000" + "y".repeat(10_000), 200);
        audit.failedLogin("127.0.0.2", "evil\r\n{\"action\":\"forged\"}\u2028\u200b");
        audit.tail(10);
        List<String> raw = Files.readAllLines(dataDir.resolve("audit.log"));
        raw.addAll(Files.readAllLines(dataDir.resolve("audit-failures.log")));
        assertThat(raw).hasSize(2);
        for (String line : raw) {
            assertThat(line.length()).isLessThan(1024);
            assertThat(line.chars()).noneMatch(c -> c < 0x20 || c == 0x202e || c == 0x2028 || c == 0x200b);
        }
        String target = (String) audit.tail(10).stream().filter(e -> "POST".equals(e.get("action"))).findFirst().orElseThrow()
                .get("target");
        assertThat(target).startsWith("/api/x\\u000a{\"user\":\"root\"}\\u202e\\u0000yyy").endsWith("…")
                .hasSizeLessThanOrEqualTo(Audit.MAX_TARGET + 1);
    }

    @Test
    void noiseHasItsOwnBudgetAndAgeAndNeverEvictsPrivilegedEntries() throws Exception {
        Audit audit = new Audit(dataDir, clock, new Audit.Retention(10, 3, Duration.ofDays(365)),
                new Audit.Retention(10, 2, Duration.ofDays(30)));
        for (int i = 0; i < 25; i++) {
            audit.record("admin", "127.0.0.1", "POST", "/api/users/" + i, 200);
        }
        for (int i = 0; i < 1000; i++) { // a new source every time: a line each
            audit.failedLogin("10.0." + (i / 250) + "." + (i % 250), "admin");
            clock.advance(Duration.ofMinutes(1));
        }
        audit.tail(1);
        List<Map<String, Object>> kept = audit.tail(10_000);
        assertThat(kept.stream().filter(e -> "admin".equals(e.get("user")) && "POST".equals(e.get("action"))))
                .as("all privileged entries").hasSize(25);
        assertThat(kept.stream().filter(e -> "failed".equals(e.get("target")))).as("noise kept by count").hasSizeLessThanOrEqualTo(20);

        clock.advance(Duration.ofDays(400));
        audit.record("admin", "127.0.0.1", "POST", "/api/now", 200);
        for (int i = 0; i < 30; i++) {
            audit.record("admin", "127.0.0.1", "POST", "/api/later/" + i, 200);
        }
        assertThat(audit.tail(10_000).stream().filter(e -> String.valueOf(e.get("target")).startsWith("/api/users/")))
                .as("entries past the maximum age go").isEmpty();
    }

    @Test
    void theFilesAreTheOwnersOnly() throws Exception {
        Files.writeString(dataDir.resolve("audit.log"), "");
        Files.setPosixFilePermissions(dataDir.resolve("audit.log"), PosixFilePermissions.fromString("rw-r--r--"));
        Audit audit = new Audit(dataDir, clock, new Audit.Retention(2, 3, Duration.ofDays(365)), Audit.FAILURES);
        for (int i = 0; i < 5; i++) {
            audit.record("admin", "127.0.0.1", "POST", "/api/x", 200);
        }
        audit.failedLogin("127.0.0.2", "admin");
        audit.tail(1);
        for (String name : List.of("audit.log", "audit.log.1", "audit.log.2", "audit-failures.log")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(name)))).as(name)
                    .isEqualTo("rw-------");
        }
    }
}
