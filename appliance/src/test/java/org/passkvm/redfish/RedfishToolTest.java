package org.passkvm.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passkvm.power.DemoPower.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.power.DemoPower;
import org.passkvm.simulator.SimulatedTarget.Power;
import org.passkvm.testkit.Tools;
import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.FromAddress;
import org.passkvm.web.TestHttps;

/** Redfish against the demo appliance: the real redfishtool, and the protocol's answers to wrong requests. */
class RedfishToolTest {

    @TempDir
    static Path dir;
    static TestAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = DemoPower.start(dir);
        app.appliance().web().accounts().create("vera", Role.VIEWER, "viewer-password");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static DemoPower.Result redfishtool(String user, String password, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redfishtool", "-r", "127.0.0.1:" + app.port(), "-S", "Always",
                "-u", user, "-p", password));
        cmd.addAll(Arrays.asList(args));
        DemoPower.Result r = DemoPower.run(cmd, Duration.ofSeconds(60));
        System.out.println("$ " + String.join(" ", cmd) + "\n" + r.output() + "\n(exit " + r.exit() + ")");
        return r;
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static void waitIdle() throws InterruptedException {
        assertThat(eventually(() -> app.admin().get("/api/power").body().contains("\"busy\":null"), Duration.ofSeconds(15))).isTrue();
    }

    @Test
    void redfishtoolListsTheSystemAndGracefulShutdownSwitchesTheTargetOff() throws Exception {
        Tools.require("redfishtool");
        DemoPower.Result systems = redfishtool("admin", TestAppliance.PASSWORD, "Systems");
        assertThat(systems.exit()).isZero();
        assertThat(systems.output()).contains("/redfish/v1/Systems/host");
        DemoPower.Result get = redfishtool("admin", TestAppliance.PASSWORD, "Systems", "get");
        assertThat(get.output()).contains("\"PowerState\": \"On\"").contains("ResetType@Redfish.AllowableValues");

        DemoPower.Result off = redfishtool("admin", TestAppliance.PASSWORD, "Systems", "reset", "GracefulShutdown");
        assertThat(off.exit()).isZero();
        assertThat(eventually(() -> app.target().power() == Power.OFF, Duration.ofSeconds(10))).isTrue();
        System.out.println("simulated target power: " + app.target().power());
        waitIdle();
        assertThat(redfishtool("admin", TestAppliance.PASSWORD, "-A", "Session", "Systems", "get").output())
                .contains("\"PowerState\": \"Off\"");

        DemoPower.Result on = redfishtool("admin", TestAppliance.PASSWORD, "-A", "Session", "Systems", "reset", "On");
        assertThat(on.exit()).isZero();
        assertThat(eventually(() -> app.target().power() == Power.ON, Duration.ofSeconds(10))).isTrue();
        waitIdle();
        // redfishtool logs its session out at the end: none is left
        assertThat(json(app.admin().get("/redfish/v1/SessionService/Sessions")).get("Members@odata.count").asInt()).isZero();

        DemoPower.Result chassis = redfishtool("admin", TestAppliance.PASSWORD, "Chassis", "get");
        assertThat(chassis.exit()).isZero();
        assertThat(chassis.output()).contains("\"PowerState\": \"On\"");

        DemoPower.Result nmi = redfishtool("admin", TestAppliance.PASSWORD, "Systems", "reset", "Nmi");
        assertThat(nmi.exit()).isNotZero();
        assertThat(nmi.output()).contains("AllowableValues");
        DemoPower.Result wrong = redfishtool("admin", "wrong-password", "Systems");
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.output()).contains("401");
        DemoPower.Result viewer = redfishtool("vera", "viewer-password", "Systems", "reset", "ForceRestart");
        assertThat(viewer.output()).contains("403");
    }

    @Test
    void onlyTheServiceRootIsPublic() throws Exception {
        TestHttps anon = TestHttps.anonymous(app.port());
        assertThat(anon.get("/redfish").statusCode()).isEqualTo(200);
        assertThat(json(anon.get("/redfish")).get("v1").asText()).isEqualTo("/redfish/v1/");
        HttpResponse<String> root = anon.get("/redfish/v1/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("OData-Version")).hasValue("4.0");
        JsonNode r = json(root);
        assertThat(r.get("@odata.id").asText()).isEqualTo("/redfish/v1/");
        assertThat(r.get("@odata.type").asText()).startsWith("#ServiceRoot.");
        assertThat(r.get("@odata.context").asText()).isEqualTo("/redfish/v1/$metadata#ServiceRoot.ServiceRoot");
        assertThat(r.at("/Links/Sessions/@odata.id").asText()).isEqualTo("/redfish/v1/SessionService/Sessions");
        for (String path : List.of("/redfish/v1/Systems", "/redfish/v1/Systems/host", "/redfish/v1/Managers",
                "/redfish/v1/Managers/passkvm", "/redfish/v1/Chassis", "/redfish/v1/Chassis/host", "/redfish/v1/SessionService", "/redfish/v1/SessionService/Sessions",
                "/redfish/v1/Nope", "/redfish/v1/Systems/host/Actions/ComputerSystem.Reset")) {
            HttpResponse<String> a = anon.get(path);
            assertThat(a.statusCode()).as(path).isEqualTo(401);
            assertThat(json(a).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.NoValidSession");
        }
        assertThat(anon.post("/redfish/v1/Systems/host/Actions/ComputerSystem.Reset", "{\"ResetType\":\"ForceOff\"}")
                .statusCode()).isEqualTo(401);
        assertThat(app.target().power()).isNotEqualTo(Power.OFF);
    }

    @Test
    void theComputerSystemCarriesPowerStateAndTheResetAction() throws Exception {
        JsonNode s = json(app.admin().get("/redfish/v1/Systems/host"));
        assertThat(s.get("@odata.id").asText()).isEqualTo("/redfish/v1/Systems/host");
        assertThat(s.get("@odata.type").asText()).startsWith("#ComputerSystem.v1_");
        assertThat(s.get("Id").asText()).isEqualTo("host");
        assertThat(s.get("PowerState").asText()).isIn("On", "Off", "PoweringOn", "PoweringOff");
        JsonNode reset = s.at("/Actions/#ComputerSystem.Reset");
        assertThat(reset.get("target").asText()).isEqualTo("/redfish/v1/Systems/host/Actions/ComputerSystem.Reset");
        List<String> allowed = new ArrayList<>();
        reset.get("ResetType@Redfish.AllowableValues").forEach(n -> allowed.add(n.asText()));
        assertThat(allowed).containsExactly("On", "ForceOff", "GracefulShutdown", "ForceRestart", "PowerCycle", "PushPowerButton");
        JsonNode m = json(app.admin().get("/redfish/v1/Managers/passkvm"));
        assertThat(m.get("ManagerType").asText()).isEqualTo("BMC");
        assertThat(m.at("/Links/ManagerForServers/0/@odata.id").asText()).isEqualTo("/redfish/v1/Systems/host");
    }

    @Test
    void unknownPathsWrongMethodsAndBadBodiesGetRedfishErrors() throws Exception {
        TestHttps admin = app.admin();
        HttpResponse<String> missing = admin.get("/redfish/v1/Systems/other");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.ResourceMissingAtURI");
        assertThat(json(missing).at("/error/code").asText()).startsWith("Base.1.8.");

        HttpResponse<String> wrongMethod = admin.method("DELETE", "/redfish/v1/Systems/host", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
        assertThat(json(wrongMethod).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.OperationNotAllowed");
        assertThat(admin.method("PATCH", "/redfish/v1/Systems/host/Actions/ComputerSystem.Reset", "{}").statusCode()).isEqualTo(405);
        assertThat(admin.get("/redfish/v1/Systems/host/Actions/ComputerSystem.Reset").statusCode()).isEqualTo(405);

        String reset = "/redfish/v1/Systems/host/Actions/ComputerSystem.Reset";
        HttpResponse<String> noType = admin.post(reset, "{}");
        assertThat(noType.statusCode()).isEqualTo(400);
        assertThat(json(noType).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.ActionParameterMissing");
        HttpResponse<String> badType = admin.post(reset, "{\"ResetType\":\"Nmi\"}");
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(json(badType).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.ActionParameterNotSupported");
        HttpResponse<String> garbage = admin.post(reset, "{not json");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(json(garbage).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.MalformedJSON");

        HttpResponse<String> viewer = TestHttps.basic(app.port(), "vera", "viewer-password").post(reset, "{\"ResetType\":\"ForceRestart\"}");
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(json(viewer).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.InsufficientPrivilege");
        // still serving
        assertThat(admin.get("/redfish/v1/Systems/host").statusCode()).isEqualTo(200);
    }

    @Test
    void sessionsGiveAnXAuthTokenAndALocationAndEndOnDelete() throws Exception {
        TestHttps anon = TestHttps.anonymous(app.port());
        HttpResponse<String> bad = anon.post("/redfish/v1/SessionService/Sessions", "{\"UserName\":\"admin\",\"Password\":\"nope-nope\"}");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("X-Auth-Token")).isEmpty();

        HttpResponse<String> created = anon.post("/redfish/v1/SessionService/Sessions",
                "{\"UserName\":\"admin\",\"Password\":\"" + TestAppliance.PASSWORD + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String token = created.headers().firstValue("X-Auth-Token").orElseThrow();
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/redfish/v1/SessionService/Sessions/");
        assertThat(json(created).get("@odata.id").asText()).isEqualTo(location);
        assertThat(json(created).get("UserName").asText()).isEqualTo("admin");

        var withToken = anon.request("/redfish/v1/Systems/host").header("X-Auth-Token", token).GET();
        assertThat(anon.send(withToken).statusCode()).isEqualTo(200);
        var missing = anon.request("/redfish/v1/Nothing/here").header("X-Auth-Token", token).GET();
        HttpResponse<String> notFound = anon.send(missing);
        assertThat(notFound.statusCode()).as("a token holder sees 404, not 401").isEqualTo(404);
        assertThat(json(notFound).at("/error/@Message.ExtendedInfo/0/MessageId").asText()).isEqualTo("Base.1.8.ResourceMissingAtURI");
        var forged = anon.request("/redfish/v1/Systems/host").header("X-Auth-Token", token + "x").GET();
        assertThat(anon.send(forged).statusCode()).isEqualTo(401);

        var logout = anon.request(location).header("X-Auth-Token", token).DELETE();
        assertThat(anon.send(logout).statusCode()).isEqualTo(204);
        assertThat(anon.send(anon.request("/redfish/v1/Systems/host").header("X-Auth-Token", token).GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void guessesOnTheConsoleLoginLockRedfishLoginsFromThatSourceOnly() throws Exception {
        FromAddress attacker = FromAddress.of("127.0.0.2", app.port());
        for (int i = 0; i < 5; i++) {
            assertThat(attacker.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"guess" + i + "\"}").status())
                    .isEqualTo(401);
        }
        String login = "{\"UserName\":\"admin\",\"Password\":\"" + TestAppliance.PASSWORD + "\"}";
        FromAddress.Response locked = attacker.post("/redfish/v1/SessionService/Sessions", login);
        assertThat(locked.status()).as("one limiter for every way in").isEqualTo(429);
        assertThat(locked.headers()).containsKey("retry-after");
        FromAddress.Response owner = FromAddress.of("127.0.0.3", app.port()).post("/redfish/v1/SessionService/Sessions", login);
        assertThat(owner.status()).as("the owner from elsewhere").isEqualTo(201);
        endSession(owner);

        FromAddress other = FromAddress.of("127.0.0.4", app.port());
        for (int i = 0; i < 5; i++) {
            assertThat(other.post("/redfish/v1/SessionService/Sessions", "{\"UserName\":\"admin\",\"Password\":\"guess"
                    + i + "\"}").status()).isEqualTo(401);
        }
        assertThat(other.post("/api/auth/login", "{\"user\":\"admin\",\"password\":\"" + TestAppliance.PASSWORD + "\"}")
                .status()).as("and the other way round").isEqualTo(429);
    }

    @Test
    void oneViewerCannotTakeEveryRedfishSession() throws Exception {
        TestHttps anon = TestHttps.anonymous(app.port());
        String vera = "{\"UserName\":\"vera\",\"Password\":\"viewer-password\"}";
        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) {
            HttpResponse<String> r = anon.post("/redfish/v1/SessionService/Sessions", vera);
            assertThat(r.statusCode()).as("vera's session " + i).isIn(201, 503);
            r.headers().firstValue("X-Auth-Token").ifPresent(tokens::add);
        }
        long veraHolds = tokens.stream()
                .filter(t -> anon.send(anon.request("/redfish/v1/Systems/host").header("X-Auth-Token", t).GET()).statusCode() == 200)
                .count();
        assertThat(veraHolds).as("sessions vera still holds").isLessThanOrEqualTo(RedfishService.SESSIONS_PER_USER);
        HttpResponse<String> operator = anon.post("/redfish/v1/SessionService/Sessions",
                "{\"UserName\":\"admin\",\"Password\":\"" + TestAppliance.PASSWORD + "\"}");
        assertThat(operator.statusCode()).as("someone else still gets in").isEqualTo(201);
        var end = anon.request(operator.headers().firstValue("Location").orElseThrow())
                .header("X-Auth-Token", operator.headers().firstValue("X-Auth-Token").orElseThrow()).DELETE();
        assertThat(anon.send(end).statusCode()).isEqualTo(204);
        for (JsonNode member : json(app.admin().get("/redfish/v1/SessionService/Sessions")).get("Members")) {
            app.admin().method("DELETE", member.get("@odata.id").asText(), null); // leave the table as found
        }
    }

    private void endSession(FromAddress.Response created) {
        TestHttps anon = TestHttps.anonymous(app.port());
        anon.send(anon.request(created.headers().get("location")).header("X-Auth-Token", created.headers().get("x-auth-token")).DELETE());
    }
}
