package org.passkvm.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.FromAddress;
import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;
import org.passkvm.web.TestWebServer;
import org.passkvm.web.WebServer;

class AuthGateTest {

    @TempDir
    Path dataDir;

    private WebServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(String adminPassword) throws Exception {
        server = TestWebServer.create(dataDir, adminPassword);
        server.api().get("/api/thing", Role.VIEWER, ctx -> ctx.json(java.util.Map.of("ok", true)));
        server.api().post("/api/thing", Role.OPERATOR, ctx -> ctx.json(java.util.Map.of("changed", true)));
        server.api().post("/api/admin-thing", Role.ADMIN, ctx -> ctx.json(java.util.Map.of("changed", true)));
        server.start();
        return server.port();
    }

    /** Logs {@code browser} in as the admin {@code start("correct horse")} made; returns its session's CSRF token. */
    private static String logInAsAdmin(TestHttps browser) throws Exception {
        return Json.MAPPER.readTree(browser.post("/api/auth/login",
                "{\"user\":\"admin\",\"password\":\"correct horse\"}").body()).get("csrfToken").asText();
    }

    @Test
    void healthIsTheOnlyApiAnsweringWithoutCredentials() throws Exception {
        int port = start("correct horse");
        TestHttps anon = TestHttps.anonymous(port);
        assertThat(anon.get("/api/health").statusCode()).isEqualTo(200);
        assertThat(anon.get("/api/thing").statusCode()).isEqualTo(401);
        assertThat(anon.post("/api/thing", "{}").statusCode()).isEqualTo(401);
        assertThat(anon.get("/api/no-such-route").statusCode()).isEqualTo(401);
        assertThat(anon.get("/api/thing").body()).contains("authentication required");
    }

    @Test
    void basicCredentialsOpenTheApiAndWrongOnesDoNot() throws Exception {
        int port = start("correct horse");
        assertThat(TestHttps.basic(port, "admin", "correct horse").get("/api/thing").statusCode()).isEqualTo(200);
        assertThat(TestHttps.basic(port, "admin", "wrong").get("/api/thing").statusCode()).isEqualTo(401);
        assertThat(TestHttps.basic(port, "nobody", "correct horse").get("/api/thing").statusCode()).isEqualTo(401);
    }

    @Test
    void generatedAdminPasswordWorksOnlyToChooseANewOne() throws Exception {
        int port = start(null);
        String generated = Files.readString(dataDir.resolve(Accounts.INITIAL_PASSWORD_FILE)).trim();
        assertThat(generated).hasSizeGreaterThanOrEqualTo(16);
        TestHttps admin = TestHttps.basic(port, "admin", generated);
        HttpResponse<String> refused = admin.get("/api/thing");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("password change required");

        HttpResponse<String> changed = admin.post("/api/auth/password",
                "{\"currentPassword\":\"" + generated + "\",\"newPassword\":\"my own password\"}");
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(dataDir.resolve(Accounts.INITIAL_PASSWORD_FILE)).doesNotExist();
        assertThat(admin.get("/api/thing").statusCode()).isEqualTo(401);
        assertThat(TestHttps.basic(port, "admin", "my own password").get("/api/thing").statusCode()).isEqualTo(200);
    }

    @Test
    void twoDevicesNeverShareAGeneratedPassword() throws Exception {
        start(null);
        String first = Files.readString(dataDir.resolve(Accounts.INITIAL_PASSWORD_FILE));
        server.close();
        Path other = Files.createTempDirectory(dataDir, "other");
        server = TestWebServer.create(other, null);
        assertThat(Files.readString(other.resolve(Accounts.INITIAL_PASSWORD_FILE))).isNotEqualTo(first);
    }

    @Test
    void sessionCookieIsSecureHttpOnlyAndStrict() throws Exception {
        int port = start("correct horse");
        HttpResponse<String> login = TestHttps.browser(port).post("/api/auth/login",
                "{\"user\":\"admin\",\"password\":\"correct horse\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("passkvm_session=").contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
    }

    @Test
    void browserChangesNeedTheCsrfTokenAndOurOrigin() throws Exception {
        int port = start("correct horse");
        TestHttps browser = TestHttps.browser(port);
        String csrf = logInAsAdmin(browser);

        assertThat(browser.get("/api/thing").statusCode()).isEqualTo(200);
        assertThat(browser.post("/api/thing", "{}").statusCode()).isEqualTo(403);
        assertThat(browser.withCsrf("forged").post("/api/thing", "{}").statusCode()).isEqualTo(403);
        assertThat(browser.withCsrf(csrf).post("/api/thing", "{}").statusCode()).isEqualTo(200);
        assertThat(browser.withOrigin("https://evil.example").post("/api/thing", "{}").statusCode()).isEqualTo(403);
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        int port = start("correct horse");
        TestHttps browser = TestHttps.browser(port);
        String csrf = logInAsAdmin(browser);
        assertThat(browser.withCsrf(csrf).post("/api/auth/logout", "{}").statusCode()).isEqualTo(200);
        assertThat(browser.get("/api/thing").statusCode()).isEqualTo(401);
    }

    @Test
    void repeatedWrongPasswordsLockTheLoginOut() throws Exception {
        int port = start("correct horse");
        TestHttps anon = TestHttps.anonymous(port);
        for (int i = 0; i < 5; i++) {
            assertThat(anon.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"guess" + i + "\"}").statusCode())
                    .isEqualTo(401);
        }
        HttpResponse<String> locked = anon.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"correct horse\"}");
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(TestHttps.basic(port, "admin", "correct horse").get("/api/thing").statusCode()).isEqualTo(429);
    }

    @Test
    void wrongPasswordsFromOneSourceDoNotLockTheOwnerOutFromAnother() throws Exception {
        int port = start("correct horse");
        FromAddress attacker = FromAddress.of("127.0.0.2", port);
        for (int i = 0; i < 20; i++) {
            attacker.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"guess" + i + "\"}");
        }
        FromAddress.Response locked = attacker.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"correct horse\"}");
        assertThat(locked.status()).as("the guessing source is locked out").isEqualTo(429);
        assertThat(locked.headers()).containsKey("retry-after");

        FromAddress owner = FromAddress.of("127.0.0.3", port);
        assertThat(owner.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"correct horse\"}").status())
                .as("the owner's login from elsewhere").isEqualTo(200);
        assertThat(owner.get("/api/thing", "Authorization", TestHttps.basicHeader("admin", "correct horse")).status())
                .as("the owner's Basic from elsewhere").isEqualTo(200);
    }

    @Test
    void basicAndTheLoginPageShareOneLimiter() throws Exception {
        int port = start("correct horse");
        FromAddress attacker = FromAddress.of("127.0.0.4", port);
        for (int i = 0; i < 5; i++) {
            assertThat(attacker.get("/api/thing", "Authorization", TestHttps.basicHeader("admin", "guess" + i)).status())
                    .isEqualTo(401);
        }
        assertThat(attacker.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"correct horse\"}").status())
                .isEqualTo(429);
        assertThat(TestHttps.browser(port).post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"correct horse\"}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void wrongApiTokensAreCountedLikeWrongPasswordsButNeverBlockARightOne() throws Exception {
        int port = start("correct horse");
        String token = TestHttps.json(TestHttps.basic(port, "admin", "correct horse")
                .post("/api/auth/tokens", "{\"label\":\"script\"}")).get("token").asText();
        FromAddress attacker = FromAddress.of("127.0.0.5", port);
        for (int i = 0; i < 5; i++) {
            assertThat(attacker.get("/api/thing", "Authorization", "Bearer pkvm_guess" + i).status()).isEqualTo(401);
        }
        assertThat(attacker.get("/api/thing", "Authorization", "Bearer pkvm_guess5").status())
                .as("the guessing source is now locked out for tokens").isEqualTo(429);
        assertThat(attacker.get("/api/thing", "Authorization", "Bearer " + token).status())
                .as("a right token is never refused: 256 random bits cannot be guessed").isEqualTo(200);
        assertThat(FromAddress.of("127.0.0.6", port).get("/api/thing", "Authorization", "Bearer pkvm_other").status())
                .as("another source's wrong token").isEqualTo(401);
    }

    @Test
    void guessingTheCurrentPasswordWithAStolenSessionIsRateLimited() throws Exception {
        int port = start("correct horse");
        TestHttps browser = TestHttps.browser(port);
        String csrf = logInAsAdmin(browser);
        browser.withCsrf(csrf);
        for (int i = 0; i < 5; i++) {
            assertThat(browser.post("/api/auth/password", "{\"currentPassword\":\"guess" + i
                    + "\",\"newPassword\":\"taken over!\"}").statusCode()).isEqualTo(400);
        }
        HttpResponse<String> locked = browser.post("/api/auth/password",
                "{\"currentPassword\":\"correct horse\",\"newPassword\":\"taken over!\"}");
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(FromAddress.of("127.0.0.5", port).get("/api/thing", "Authorization",
                TestHttps.basicHeader("admin", "correct horse")).status()).as("the password is unchanged").isEqualTo(200);
    }

    @Test
    void malformedJsonGetsAClearError() throws Exception {
        int port = start("correct horse");
        HttpResponse<String> r = TestHttps.anonymous(port).post("/api/auth/login", "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid JSON").doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void plainHttpIsNeverServed() throws Exception {
        int port = start("correct horse");
        java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/health")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain.send(req, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }
}
