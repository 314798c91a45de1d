package org.passkvm.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;
import org.passkvm.web.TestWebServer;
import org.passkvm.web.WebServer;

class UserRoutesTest {

    @TempDir
    Path dataDir;

    private WebServer server;
    private TestHttps admin;

    @BeforeEach
    void start() throws Exception {
        server = TestWebServer.create(dataDir, "admin password");
        server.api().post("/api/power/on", Role.OPERATOR, ctx -> ctx.json(java.util.Map.of("ok", true)));
        server.start();
        admin = TestHttps.basic(server.port(), "admin", "admin password");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode json(java.net.http.HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void adminCreatesAnOperatorWhoCanActButNotManageUsers() throws Exception {
        assertThat(admin.post("/api/users", "{\"name\":\"otto\",\"role\":\"operator\",\"password\":\"operator pw\"}").statusCode())
                .isEqualTo(201);
        TestHttps otto = TestHttps.basic(server.port(), "otto", "operator pw");
        assertThat(otto.post("/api/power/on", "{}").statusCode()).isEqualTo(200);
        assertThat(otto.get("/api/users").statusCode()).isEqualTo(403);
        assertThat(otto.post("/api/users", "{\"name\":\"eve\",\"role\":\"admin\",\"password\":\"12345678\"}").statusCode())
                .isEqualTo(403);
    }

    @Test
    void demotingAUserTakesEffectImmediately() throws Exception {
        admin.post("/api/users", "{\"name\":\"otto\",\"role\":\"operator\",\"password\":\"operator pw\"}");
        assertThat(admin.method("PATCH", "/api/users/otto", "{\"role\":\"viewer\"}").statusCode()).isEqualTo(200);
        assertThat(TestHttps.basic(server.port(), "otto", "operator pw").post("/api/power/on", "{}").statusCode()).isEqualTo(403);
    }

    @Test
    void badUserInputGetsClearErrors() throws Exception {
        assertThat(admin.post("/api/users", "{\"name\":\"Bad Name\",\"role\":\"viewer\",\"password\":\"12345678\"}").body())
                .contains("user name must be");
        assertThat(admin.post("/api/users", "{\"name\":\"bob\",\"role\":\"god\",\"password\":\"12345678\"}").body())
                .contains("role must be admin, operator or viewer");
        assertThat(admin.post("/api/users", "{\"name\":\"bob\",\"role\":\"viewer\",\"password\":\"short\"}").body())
                .contains("at least 8 characters");
        assertThat(admin.method("DELETE", "/api/users/admin", null).body()).contains("last admin");
    }

    @Test
    void apiTokensWorkAsBearerUntilRevokedAndAreStoredHashed() throws Exception {
        JsonNode issued = json(admin.post("/api/auth/tokens", "{\"label\":\"home assistant\"}"));
        String secret = issued.get("token").asText();
        TestHttps script = TestHttps.anonymous(server.port()).withAuthorization("Bearer " + secret);
        assertThat(script.post("/api/power/on", "{}").statusCode()).isEqualTo(200);
        assertThat(java.nio.file.Files.readString(dataDir.resolve("tokens.json"))).doesNotContain(secret);
        assertThat(admin.method("DELETE", "/api/auth/tokens/" + issued.get("id").asText(), null).statusCode()).isEqualTo(200);
        assertThat(script.post("/api/power/on", "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void totpSecondFactorIsRequiredOnceConfirmed() throws Exception {
        String secret = json(admin.post("/api/auth/totp", "{}")).get("secret").asText();
        String code = Totp.code(secret, java.time.Instant.now().getEpochSecond() / 30);
        assertThat(admin.post("/api/auth/totp/confirm", "{\"code\":\"" + code + "\"}").statusCode()).isEqualTo(200);

        TestHttps browser = TestHttps.browser(server.port());
        var noCode = browser.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"admin password\"}");
        assertThat(noCode.statusCode()).isEqualTo(401);
        assertThat(json(noCode).get("totpRequired").asText()).isEqualTo("true");
        var withCode = browser.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"admin password\",\"totp\":\"" + code + "\"}");
        assertThat(withCode.statusCode()).isEqualTo(200);
    }

    @Test
    void changesAndLoginsLandInTheAuditLog() throws Exception {
        TestHttps.anonymous(server.port()).post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"nope\"}");
        admin.post("/api/power/on", "{}");
        JsonNode log = json(admin.get("/api/audit"));
        assertThat(log.toString()).contains("\"action\":\"LOGIN\"").contains("\"target\":\"/api/power/on\"");
    }

    @Test
    void theAuditLimitDefaultsWhenAbsentAndIsCheckedWhenGiven() throws Exception {
        var on = admin.post("/api/power/on", "{}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(admin.get("/api/audit").statusCode()).isEqualTo(200);
        assertThat(json(admin.get("/api/audit?limit=1")).size()).isEqualTo(1);
        assertThat(admin.get("/api/audit?limit=0").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/audit?limit=10001").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/audit?limit=many").statusCode()).isEqualTo(400);
    }
}
