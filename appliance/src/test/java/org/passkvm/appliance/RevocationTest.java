package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passkvm.testkit.Await;
import org.passkvm.web.TestHttps;

/**
 * The attack of issue 21, finding 2 (and 4, 5): a user whose access is revoked keeps nothing open. For each way of
 * proving who you are (Basic, an API token, a browser session) and each way of losing access (demotion, deletion,
 * a password change by an admin), the user's input socket, MJPEG stream and H.264 socket end within a second, and
 * the credential opens nothing afterwards. Before the fix the input socket kept typing after demotion and deletion,
 * and MJPEG kept streaming after logout and deletion.
 */
class RevocationTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static final String PASSWORD = "operator password";

    @TempDir
    static Path dir;

    private static TestAppliance app;
    private static final AtomicInteger users = new AtomicInteger();

    enum Credential { BASIC, TOKEN, SESSION }

    enum Revocation { DEMOTE, DELETE, PASSWORD_CHANGED_BY_ADMIN }

    @BeforeAll
    static void start() throws Exception {
        app = TestAppliance.start(dir);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @ParameterizedTest(name = "{0} credential")
    @EnumSource(Credential.class)
    void demotionEndsEverySocketAndStream(Credential kind) throws Exception {
        revokeAndCheck(kind, Revocation.DEMOTE);
    }

    @ParameterizedTest(name = "{0} credential")
    @EnumSource(Credential.class)
    void deletionEndsEverySocketAndStream(Credential kind) throws Exception {
        revokeAndCheck(kind, Revocation.DELETE);
    }

    @ParameterizedTest(name = "{0} credential")
    @EnumSource(Credential.class)
    void passwordChangeByAnAdminEndsEverySocketAndStream(Credential kind) throws Exception {
        revokeAndCheck(kind, Revocation.PASSWORD_CHANGED_BY_ADMIN);
    }

    @Test
    void logoutEndsTheSessionsSocketsAndStreamButNotOtherCredentials() throws Exception {
        String name = newOperator();
        TestHttps session = login(name);
        TestHttps basic = TestHttps.basic(app.port(), name, PASSWORD);
        Open bySession = Open.all(session);
        Open byBasic = Open.all(basic);

        assertThat(session.post("/api/auth/logout", "{}").statusCode()).isEqualTo(200);

        bySession.assertAllEndWithin(WITHIN);
        byBasic.assertAllStillOpen();
        assertThat(session.get("/api/hid").statusCode()).isEqualTo(401);
        byBasic.close();
    }

    @Test
    void ownPasswordChangeKeepsThisBrowserButEndsOtherSessionsTokensAndSockets() throws Exception {
        String name = newOperator();
        TestHttps here = login(name);
        TestHttps elsewhere = login(name);
        TestHttps token = tokenClient(name);
        Open elsewhereOpen = Open.all(elsewhere);
        Open tokenOpen = Open.all(token);
        Open hereOpen = Open.all(here);

        var changed = here.post("/api/auth/password",
                "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"a brand new password\"}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);

        elsewhereOpen.assertAllEndWithin(WITHIN);
        tokenOpen.assertAllEndWithin(WITHIN);
        hereOpen.assertAllStillOpen();
        assertThat(elsewhere.get("/api/hid").statusCode()).isEqualTo(401);
        assertThat(token.get("/api/hid").statusCode()).as("refused; 429 once this source sent 5 dead tokens").isIn(401, 429);
        assertThat(here.get("/api/hid").statusCode()).isEqualTo(200);
        hereOpen.close();
    }

    @Test
    void redfishSessionsOfARevokedUserStopWorking() throws Exception {
        String name = newOperator();
        HttpResponse<String> created = TestHttps.anonymous(app.port()).send(TestHttps.anonymous(app.port())
                .request("/redfish/v1/SessionService/Sessions").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"UserName\":\"" + name + "\",\"Password\":\"" + PASSWORD + "\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String token = created.headers().firstValue("X-Auth-Token").orElseThrow();
        TestHttps redfish = TestHttps.anonymous(app.port());
        assertThat(redfish.send(redfish.request("/redfish/v1/Systems").header("X-Auth-Token", token)).statusCode())
                .isEqualTo(200);

        assertThat(app.admin().method("PATCH", "/api/users/" + name, "{\"password\":\"another password\"}").statusCode())
                .isEqualTo(200);

        assertThat(redfish.send(redfish.request("/redfish/v1/Systems").header("X-Auth-Token", token)).statusCode())
                .as("refused; 429 once this source sent 5 dead tokens").isIn(401, 429);
    }

    private void revokeAndCheck(Credential kind, Revocation how) throws Exception {
        String name = newOperator();
        TestHttps client = switch (kind) {
            case BASIC -> TestHttps.basic(app.port(), name, PASSWORD);
            case TOKEN -> tokenClient(name);
            case SESSION -> login(name);
        };
        Open open = Open.all(client);
        assertThat(open.input.isOutputClosed()).isFalse();

        var r = switch (how) {
            case DEMOTE -> app.admin().method("PATCH", "/api/users/" + name, "{\"role\":\"viewer\"}");
            case DELETE -> app.admin().method("DELETE", "/api/users/" + name, null);
            case PASSWORD_CHANGED_BY_ADMIN -> app.admin().method("PATCH", "/api/users/" + name,
                    "{\"password\":\"chosen by the admin\"}");
        };
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        open.assertAllEndWithin(WITHIN);
        assertThat(open.inputCloseCode.get()).as("input socket close code").isIn(4001, 1006);
        // Typing after the revocation reaches nothing: the socket is gone, and a new one is refused.
        // refused: 401/403, or 429 once this test's one source has sent 5 dead tokens (they count as guesses)
        assertThat(client.post("/api/hid/key", "{\"code\":\"KeyA\"}").statusCode()).isIn(401, 403, 429);
        assertThat(client.webSocket("/api/hid/ws", new WebSocket.Listener() {})
                .handle((ws, error) -> error != null).get(10, TimeUnit.SECONDS)).isTrue();
    }

    private static String newOperator() {
        String name = "op" + users.incrementAndGet();
        var r = app.admin().post("/api/users", "{\"name\":\"" + name + "\",\"role\":\"operator\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return name;
    }

    private static TestHttps login(String name) {
        TestHttps browser = TestHttps.browser(app.port());
        var r = browser.post("/api/auth/login", "{\"user\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return browser.withCsrf(TestHttps.json(r).get("csrfToken").asText());
    }

    private static TestHttps tokenClient(String name) {
        JsonNode issued = TestHttps.json(TestHttps.basic(app.port(), name, PASSWORD).post("/api/auth/tokens", "{\"label\":\"script\"}"));
        return TestHttps.anonymous(app.port()).withAuthorization("Bearer " + issued.get("token").asText());
    }

    /** The three long-lived things a user can hold open: the input socket, an MJPEG stream, the H.264 socket. */
    private static final class Open implements AutoCloseable {
        final WebSocket input;
        final AtomicInteger inputCloseCode = new AtomicInteger();
        final AtomicLong inputEnded = new AtomicLong();
        final WebSocket h264;
        final AtomicLong h264Ended = new AtomicLong();
        final AtomicLong mjpegEnded = new AtomicLong();
        final AtomicLong mjpegBytes = new AtomicLong();
        final InputStream mjpeg;

        private Open(TestHttps client) throws Exception {
            input = client.webSocket("/api/hid/ws", listener(inputEnded, inputCloseCode)).get(10, TimeUnit.SECONDS);
            h264 = client.webSocket("/api/video/h264", listener(h264Ended, new AtomicInteger())).get(10, TimeUnit.SECONDS);
            HttpResponse<InputStream> stream = client.getStream("/api/video/stream.mjpeg");
            assertThat(stream.statusCode()).isEqualTo(200);
            mjpeg = stream.body();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[65536];
                try {
                    int n;
                    while ((n = mjpeg.read(buffer)) >= 0) {
                        mjpegBytes.addAndGet(n);
                    }
                } catch (Exception gone) {
                    // ended: what the test waits for
                }
                mjpegEnded.set(System.nanoTime());
            }, "mjpeg-reader");
            reader.setDaemon(true);
            reader.start();
            Await.value(Duration.ofSeconds(10), mjpegBytes::get, n -> n > 0, "the stream delivers before the revocation");
        }

        static Open all(TestHttps client) throws Exception {
            return new Open(client);
        }

        private static WebSocket.Listener listener(AtomicLong ended, AtomicInteger code) {
            return new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    code.set(status);
                    ended.compareAndSet(0, System.nanoTime());
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    code.compareAndSet(0, 1006);
                    ended.compareAndSet(0, System.nanoTime());
                }

                @Override
                public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    ws.request(1);
                    return null;
                }
            };
        }

        void assertAllEndWithin(Duration limit) {
            Await.value(limit, this::stillOpen, List::isEmpty, "every connection ended after the revocation (the list: still open)");
        }

        private List<String> stillOpen() {
            List<String> open = new ArrayList<>();
            if (inputEnded.get() == 0) {
                open.add("input socket");
            }
            if (h264Ended.get() == 0) {
                open.add("H.264 socket");
            }
            if (mjpegEnded.get() == 0) {
                open.add("MJPEG stream");
            }
            return open;
        }

        void assertAllStillOpen() {
            long bytes = mjpegBytes.get();
            Await.until(Duration.ofMillis(500), () -> mjpegBytes.get() > bytes || stillOpen().size() < 3,
                "more MJPEG bytes (or an ended connection, which the checks below name)");
            assertThat(inputEnded.get()).as("input socket ended").isZero();
            assertThat(h264Ended.get()).as("H.264 socket ended").isZero();
            assertThat(mjpegEnded.get()).as("MJPEG stream ended").isZero();
            assertThat(mjpegBytes.get()).as("MJPEG still delivers").isGreaterThan(bytes);
        }

        @Override
        public void close() throws Exception {
            input.abort();
            h264.abort();
            mjpeg.close();
        }
    }
}
