package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.Role;
import org.passkvm.web.Route;
import org.passkvm.web.TestHttps;

/**
 * Walks every route and WebSocket the running appliance registered and proves the gate stands
 * in front of each: no credentials → 401, a role too low → 403. New routes are covered the day
 * they are registered, because the list comes from the server itself.
 */
class RouteEnumerationTest {

    @TempDir
    static Path dir;

    static TestAppliance app;

    /** The only entry points anybody may call without credentials: health, logging in, and Redfish's service root. */
    static final java.util.Set<String> OPEN_BY_DESIGN = java.util.Set.of(
            "GET /api/health", "POST /api/auth/login", "GET /login", "GET /assets/{name}",
            "GET /redfish", "GET /redfish/v1", "POST /redfish/v1/SessionService/Sessions");

    @BeforeAll
    static void start() throws Exception {
        app = TestAppliance.start(dir);
        var accounts = app.appliance().web().accounts();
        accounts.create("vera", Role.VIEWER, "viewer-password");
        accounts.create("otto", Role.OPERATOR, "operator-password");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void everyRouteRejectsUnauthenticatedAndUnderPrivilegedCallers() throws Exception {
        List<Route> routes = app.appliance().web().routes();
        List<String> covered = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            String path = route.path().replaceAll("\\{[^}]+}", "x").replace("*", "x").replace("<", "").replace(">", "");
            if (route.role() == Role.PUBLIC) {
                if (OPEN_BY_DESIGN.contains(route.method() + " " + route.path())) {
                    covered.add("open    " + route.method() + " " + route.path());
                    continue;
                }
                // Registered without the gate because it checks a protocol's own credentials (Redfish's
                // X-Auth-Token): it must still refuse an anonymous caller.
                expect(failures, route, "anonymous", statusOf(route, path, TestHttps.anonymous(app.port())), 401);
                if (route.path().contains("/Actions/")) {
                    expect(failures, route, "viewer", statusOf(route, path, TestHttps.basic(app.port(), "vera", "viewer-password")), 403);
                }
                covered.add("own-auth " + route.method() + " " + route.path());
                continue;
            }
            expect(failures, route, "anonymous", statusOf(route, path, TestHttps.anonymous(app.port())), 401);
            if (!Role.VIEWER.allows(route.role())) {
                expect(failures, route, "viewer", statusOf(route, path, TestHttps.basic(app.port(), "vera", "viewer-password")), 403);
            }
            if (!Role.OPERATOR.allows(route.role())) {
                expect(failures, route, "operator", statusOf(route, path, TestHttps.basic(app.port(), "otto", "operator-password")), 403);
            }
            covered.add(String.format("%-7s %s %s", route.role().name().toLowerCase(), route.method(), route.path()));
        }
        System.out.println("Route enumeration covered " + covered.size() + " routes:\n  " + String.join("\n  ", covered));
        assertThat(failures).isEmpty();
        assertThat(routes).extracting(Route::path).contains("/api/health", "/api/hid/ws", "/api/hid/key");
    }

    /**
     * Every entry point under the attacks of issue 21, from the server's own route list: an anonymous HEAD learns
     * nothing, an oversized chunked body is refused before anything reads it, a demoted user is refused, and every
     * WebSocket a user holds closes within a second once that user is deleted.
     */
    @Test
    void everyEntryPointHoldsUnderAttack() throws Exception {
        List<String> failures = new ArrayList<>();
        app.appliance().web().accounts().create("dora", Role.OPERATOR, "demoted-password");
        app.appliance().web().accounts().update(app.appliance().web().accounts().find("dora").orElseThrow().withRole(Role.VIEWER));
        TestHttps demoted = TestHttps.basic(app.port(), "dora", "demoted-password");
        int sockets = 0;
        for (Route route : app.appliance().web().routes()) {
            String path = route.path().replaceAll("\\{[^}]+}", "x").replace("*", "x").replace("<", "").replace(">", "");
            boolean open = OPEN_BY_DESIGN.contains(route.method() + " " + route.path());
            if (route.method().equals("GET") && !open) {
                // own-auth routes (Redfish) included: HEAD must not tell more than GET
                expect(failures, route, "anonymous HEAD", head(path), 401);
            }
            if (route.changesState() && !route.isWebSocket() && !route.method().equals("PUT")) {
                expect(failures, route, "anonymous, 2 MB chunked body", oversized(route.method(), path), 413);
            }
            if (route.role() != Role.PUBLIC && !Role.VIEWER.allows(route.role())) {
                expect(failures, route, "demoted to viewer", statusOf(route, path, demoted), 403);
            }
            if (route.isWebSocket()) {
                sockets++;
                String problem = socketOfADeletedUserCloses(route, path);
                if (problem != null) {
                    failures.add(route.method() + " " + route.path() + ": " + problem);
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(sockets).as("WebSocket routes walked").isGreaterThanOrEqualTo(3);
    }

    private static int head(String path) {
        TestHttps anon = TestHttps.anonymous(app.port());
        return anon.send(anon.request(path).method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int oversized(String method, String path) {
        TestHttps anon = TestHttps.anonymous(app.port());
        byte[] body = new byte[2_000_000];
        java.util.Arrays.fill(body, (byte) ' ');
        // ofInputStream has no length: the client sends it chunked, the framing that slipped past the old limit
        var publisher = java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body));
        try {
            return anon.send(anon.request(path).header("Content-Type", "application/json").method(method, publisher),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.UncheckedIOException cut) {
            return 413; // the server answered 413 and closed while the client was still sending
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger socketUsers = new java.util.concurrent.atomic.AtomicInteger();

    /** Opens the socket as a fresh user with the route's role, deletes the user, and says what went wrong, if anything. */
    private static String socketOfADeletedUserCloses(Route route, String path) throws Exception {
        String name = "sock" + socketUsers.incrementAndGet();
        Role role = route.role() == Role.PUBLIC ? Role.VIEWER : route.role();
        app.appliance().web().accounts().create(name, role, "socket-password");
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        WebSocket ws = TestHttps.basic(app.port(), name, "socket-password").webSocket(path, new WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                closed.complete(code);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                closed.complete(1006);
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                w.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onBinary(WebSocket w, java.nio.ByteBuffer data, boolean last) {
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        var deleted = app.admin().method("DELETE", "/api/users/" + name, null);
        if (deleted.statusCode() != 200) {
            ws.abort();
            return "could not delete " + name + ": " + deleted.body();
        }
        try {
            closed.get(1, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.TimeoutException e) {
            ws.abort();
            return "still open 1 s after its user was deleted";
        }
    }

    @Test
    void consoleScriptsBehindThePublicAssetRouteStillNeedALogin() {
        assertThat(TestHttps.anonymous(app.port()).get("/assets/console.js").statusCode()).isEqualTo(401);
        assertThat(TestHttps.anonymous(app.port()).get("/assets/login.js").statusCode()).isEqualTo(200);
        assertThat(app.admin().get("/assets/console.js").statusCode()).isEqualTo(200);
    }

    private static void expect(List<String> failures, Route route, String who, int status, int expected) {
        if (status != expected) {
            failures.add(route.method() + " " + route.path() + " as " + who + ": " + status + ", expected " + expected);
        }
    }

    private static int statusOf(Route route, String path, TestHttps client) throws Exception {
        if (route.isWebSocket()) {
            var builder = client.client().newWebSocketBuilder();
            var probe = client.request("/");
            probe.build().headers().map().forEach((k, v) -> {
                if (k.equalsIgnoreCase("Authorization")) {
                    builder.header(k, v.get(0));
                }
            });
            try {
                WebSocket ws = builder.buildAsync(URI.create("wss://127.0.0.1:" + app.port() + path),
                        new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
                ws.abort();
                return 101;
            } catch (java.util.concurrent.ExecutionException | CompletionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException h) {
                    return h.getResponse().statusCode();
                }
                throw e;
            }
        }
        HttpResponse<String> r = client.method(route.method(), path, route.changesState() ? "{}" : null);
        return r.statusCode();
    }
}
