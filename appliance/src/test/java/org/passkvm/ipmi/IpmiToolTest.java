package org.passkvm.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passkvm.power.DemoPower.eventually;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.power.DemoPower;
import org.passkvm.simulator.SimulatedTarget.Power;
import org.passkvm.testkit.Tools;
import org.passkvm.web.Role;
import org.passkvm.web.TestHttps;

/** The real ipmitool against the demo appliance on loopback: every "chassis power" verb, both protocols. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpmiToolTest {

    @TempDir
    static Path dir;
    static TestAppliance app;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("ipmitool");
        app = DemoPower.start(dir);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static List<String> lanplus(int suite) {
        return List.of("-I", "lanplus", "-C", Integer.toString(suite));
    }

    static final List<String> LAN = List.of("-I", "lan");

    static DemoPower.Result ipmitool(List<String> iface, String user, String password, int port, String... command)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ipmitool"));
        cmd.addAll(iface);
        cmd.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port), "-U", user, "-P", password, "-N", "1", "-R", "2"));
        cmd.addAll(Arrays.asList(command));
        DemoPower.Result r = DemoPower.run(cmd, Duration.ofSeconds(30));
        System.out.println("$ " + String.join(" ", cmd) + "\n" + r.output() + "\n(exit " + r.exit() + ")");
        return r;
    }

    static DemoPower.Result admin(List<String> iface, String... command) throws Exception {
        return ipmitool(iface, "admin", DemoPower.IPMI_PASSWORD, app.ipmiPort(), command);
    }

    /** The REST state says when the presser is free again. */
    static void waitIdle() throws InterruptedException {
        assertThat(eventually(() -> app.admin().get("/api/power").body().contains("\"busy\":null"), Duration.ofSeconds(15))).isTrue();
    }

    @Test
    @Order(1)
    void powerStatusOverLanplusSuites3And17AndOverLan() throws Exception {
        for (List<String> iface : List.of(lanplus(3), lanplus(17), LAN, List.of("-I", "lanplus"))) {
            DemoPower.Result r = admin(iface, "chassis", "power", "status");
            assertThat(r.exit()).as(iface.toString()).isZero();
            assertThat(r.output()).contains("Chassis Power is on");
        }
    }

    @Test
    @Order(2)
    void everyPowerVerbChangesTheSimulatedTarget() throws Exception {
        assertThat(admin(lanplus(17), "chassis", "power", "soft").output()).contains("Chassis Power Control: Soft");
        assertThat(eventually(() -> app.target().power() == Power.OFF, Duration.ofSeconds(10))).isTrue();
        System.out.println("simulated target power: " + app.target().power());
        waitIdle();
        assertThat(admin(LAN, "chassis", "power", "status").output()).contains("Chassis Power is off");

        assertThat(admin(lanplus(3), "chassis", "power", "on").output()).contains("Chassis Power Control: Up/On");
        assertThat(eventually(() -> app.target().power() == Power.ON, Duration.ofSeconds(10))).isTrue();
        waitIdle();

        List<Power> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        app.target().onPowerChange(() -> seen.add(app.target().power()));
        assertThat(admin(LAN, "chassis", "power", "reset").output()).contains("Chassis Power Control: Reset");
        assertThat(eventually(() -> seen.contains(Power.BOOTING) && app.target().power() == Power.ON, Duration.ofSeconds(10))).isTrue();
        waitIdle();

        assertThat(admin(lanplus(3), "chassis", "power", "off").output()).contains("Chassis Power Control: Down/Off");
        // While the 4 s hold runs, a second command is refused with "node busy" (C0h), not queued.
        DemoPower.Result busy = admin(lanplus(17), "chassis", "power", "reset");
        assertThat(busy.output()).containsIgnoringCase("busy");
        assertThat(eventually(() -> app.target().power() == Power.OFF, Duration.ofSeconds(10))).isTrue();
        waitIdle();
        assertThat(admin(lanplus(17), "chassis", "power", "status").output()).contains("Chassis Power is off");

        assertThat(admin(LAN, "chassis", "power", "cycle").output()).contains("Chassis Power Control: Cycle");
        assertThat(eventually(() -> app.target().power() == Power.ON, Duration.ofSeconds(15))).isTrue();
        waitIdle();
        assertThat(admin(lanplus(3), "chassis", "status").output()).contains("System Power         : on");
    }

    @Test
    @Order(3)
    void wrongPasswordsAndUnknownUsersAreRefusedByBothProtocols() throws Exception {
        DemoPower.Result plus = ipmitool(List.of("-v", "-I", "lanplus", "-C", "17"), "admin", "wrong-password", app.ipmiPort(),
                "chassis", "power", "status");
        assertThat(plus.exit()).isNotZero();
        assertThat(plus.output()).contains("RAKP 2 HMAC is invalid");
        // An unknown user is answered exactly like a known one with a wrong password: no way to list user names.
        DemoPower.Result nobody = ipmitool(List.of("-v", "-I", "lanplus", "-C", "17"), "nobody", "whatever1", app.ipmiPort(),
                "chassis", "power", "status");
        assertThat(nobody.exit()).isNotZero();
        assertThat(nobody.output()).contains("RAKP 2 HMAC is invalid").doesNotContain("unauthorized name");
        DemoPower.Result lan = ipmitool(LAN, "admin", "wrong-password", app.ipmiPort(), "chassis", "power", "status");
        assertThat(lan.exit()).isNotZero();
        assertThat(lan.output()).doesNotContain("Chassis Power is");
        DemoPower.Result lanNobody = ipmitool(LAN, "nobody", "whatever1", app.ipmiPort(), "chassis", "power", "status");
        assertThat(lanNobody.exit()).isNotZero();
        assertThat(lanNobody.output()).doesNotContain("Invalid user name").isEqualTo(lan.output());
        // The console login password is not the IPMI password.
        DemoPower.Result console = ipmitool(lanplus(3), "admin", TestAppliance.PASSWORD, app.ipmiPort(), "chassis", "power", "status");
        assertThat(console.exit()).isNotZero();
        assertThat(admin(lanplus(3), "chassis", "power", "status").exit()).isZero();
    }

    @Test
    @Order(4)
    void operatorsGetOperatorPrivilegeAndViewersNoIpmiAtAll() throws Exception {
        var accounts = app.appliance().web().accounts();
        accounts.create("otto", Role.OPERATOR, "operator-password");
        accounts.create("vera", Role.VIEWER, "viewer-password");
        var otto = TestHttps.basic(app.port(), "otto", "operator-password");
        var enabled = otto.post("/api/ipmi/credentials", "{}");
        assertThat(enabled.statusCode()).isEqualTo(200);
        String secret = Json.field(enabled.body(), "password");
        assertThat(secret).hasSize(16);
        assertThat(TestHttps.basic(app.port(), "vera", "viewer-password").post("/api/ipmi/credentials", "{}").statusCode())
                .isEqualTo(403);
        assertThat(app.admin().post("/api/ipmi/credentials?user=vera", "{}").statusCode()).isEqualTo(400);
        assertThat(otto.post("/api/ipmi/credentials?user=admin", "{}").statusCode()).isEqualTo(403);

        DemoPower.Result asAdmin = ipmitool(List.of("-v", "-I", "lanplus", "-L", "ADMINISTRATOR"), "otto", secret,
                app.ipmiPort(), "chassis", "power", "status");
        assertThat(asAdmin.exit()).isNotZero();
        assertThat(asAdmin.output()).contains("invalid role");
        DemoPower.Result asOperator = ipmitool(List.of("-I", "lanplus", "-L", "OPERATOR"), "otto", secret,
                app.ipmiPort(), "chassis", "power", "status");
        assertThat(asOperator.output()).contains("Chassis Power is");
        DemoPower.Result lanUser = ipmitool(List.of("-I", "lan", "-L", "USER"), "otto", secret, app.ipmiPort(),
                "chassis", "power", "on");
        assertThat(lanUser.output()).as("USER may read but not press").doesNotContain("Chassis Power Control: Up/On");

        assertThat(otto.method("DELETE", "/api/ipmi/credentials", null).statusCode()).isEqualTo(200);
        assertThat(ipmitool(List.of("-I", "lanplus", "-L", "OPERATOR"), "otto", secret, app.ipmiPort(),
                "chassis", "power", "status").exit()).isNotZero();
    }

    @Test
    @Order(5)
    void unknownCommandsGetInvalidCommandAndPicmgProbesC1() throws Exception {
        assertThat(admin(lanplus(17), "raw", "0x06", "0x99").output()).contains("rsp=0xc1");
        assertThat(admin(lanplus(3), "raw", "0x2c", "0x00", "0x00").output()).contains("rsp=0xc1");
        assertThat(admin(LAN, "raw", "0x0a", "0x10").output()).contains("rsp=0xc1");
        assertThat(admin(lanplus(17), "raw", "0x00", "0x02", "0x04").output()).contains("rsp=0xcc");
        DemoPower.Result id = admin(lanplus(17), "mc", "info");
        assertThat(id.output()).contains("IPMI Version              : 2.0");
        assertThat(admin(LAN, "mc", "guid").output()).contains("System GUID");
    }

    @Test
    @Order(6)
    void replayedPacketsAreAnsweredOnceAndTheSessionStillWorks() throws Exception {
        try (UdpTap tap = new UdpTap(app.ipmiPort(), true)) {
            DemoPower.Result r = ipmitool(lanplus(17), "admin", DemoPower.IPMI_PASSWORD, tap.port(), "chassis", "power", "status");
            assertThat(r.output()).contains("Chassis Power is");
            Thread.sleep(200);
            assertThat(tap.authenticatedRequests.get()).isGreaterThan(3);
            // every in-session request arrived twice; the copy fell outside the replay window and got no answer
            assertThat(tap.authenticatedAnswers.get()).isEqualTo(tap.authenticatedRequests.get());
        }
        // A whole recorded session replayed later: its session is closed, so nothing answers.
        try (UdpTap tap = new UdpTap(app.ipmiPort(), false)) {
            ipmitool(lanplus(3), "admin", DemoPower.IPMI_PASSWORD, tap.port(), "chassis", "power", "status");
            List<byte[]> inSession = tap.fromClient.stream().filter(UdpTap::authenticated).toList();
            assertThat(inSession).isNotEmpty();
            for (byte[] p : inSession) {
                assertThat(sendAndListen(p)).as("replayed packet answered").isNull();
            }
        }
    }

    @Test
    @Order(7)
    void garbledPacketsGetNoAnswerAndDoNotHurtTheService() throws Exception {
        Random random = new Random(42);
        List<byte[]> junk = new ArrayList<>();
        junk.add(new byte[0]);
        junk.add(new byte[] {0x06});
        junk.add(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07}); // RMCP header, nothing after
        junk.add(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07, 0x06, 0x00, 1, 2, 3, 4, 1, 0, 0, 0, (byte) 0xFF, (byte) 0xFF}); // huge length
        junk.add(v15(new byte[] {0x20, 0x18, 0x00, (byte) 0x81, 0x00, 0x01, 0x00})); // both checksums wrong
        junk.add(new byte[] {0x06, 0x00, (byte) 0xFF, 0x07, 0x06, (byte) 0xC0, 9, 9, 9, 9, 1, 0, 0, 0, 4, 0, 1, 2, 3, 4, 0, 0x07, 1, 2});
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[random.nextInt(120)];
            random.nextBytes(b);
            if (b.length > 4 && i % 2 == 0) {
                b[0] = 0x06;
                b[3] = 0x07;
            }
            junk.add(b);
        }
        // and real in-session packets with one bit flipped: the integrity check must catch each
        try (UdpTap tap = new UdpTap(app.ipmiPort(), false)) {
            ipmitool(lanplus(17), "admin", DemoPower.IPMI_PASSWORD, tap.port(), "chassis", "power", "status");
            for (byte[] p : tap.fromClient) {
                if (UdpTap.authenticated(p)) {
                    byte[] flipped = p.clone();
                    flipped[20 + random.nextInt(flipped.length - 20)] ^= 0x10;
                    junk.add(flipped);
                }
            }
        }
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (byte[] p : junk) {
                s.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), app.ipmiPort()));
            }
        }
        for (byte[] p : junk.subList(0, 6)) {
            assertThat(sendAndListen(p)).isNull();
        }
        assertThat(admin(lanplus(17), "chassis", "power", "status").output()).contains("Chassis Power is");
        assertThat(admin(LAN, "chassis", "power", "status").output()).contains("Chassis Power is");
    }

    @Test
    @Order(8)
    void aFloodOfHalfMadeHandshakesDoesNotLockOutRealUsers() throws Exception {
        byte[] open = new byte[16 + 32];
        byte[] head = {0x06, 0x00, (byte) 0xFF, 0x07, 0x06, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0};
        System.arraycopy(head, 0, open, 0, head.length);
        byte[] payload = {0, 4, 0, 0, 1, 2, 3, 4, 0, 0, 0, 8, 1, 0, 0, 0, 1, 0, 0, 8, 1, 0, 0, 0, 2, 0, 0, 8, 1, 0, 0, 0};
        System.arraycopy(payload, 0, open, 16, payload.length);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 200; i++) {
                s.send(new DatagramPacket(open, open.length, InetAddress.getLoopbackAddress(), app.ipmiPort()));
            }
        }
        Thread.sleep(300);
        assertThat(admin(lanplus(17), "chassis", "power", "status").output()).contains("Chassis Power is");
        assertThat(admin(LAN, "chassis", "power", "status").output()).contains("Chassis Power is");
    }

    @Test
    @Order(8)
    void asfPresencePingGetsAPongSayingIpmiIsSupported() throws Exception {
        byte[] ping = {0x06, 0x00, (byte) 0xFF, 0x06, 0x00, 0x00, 0x11, (byte) 0xBE, (byte) 0x80, 0x2A, 0x00, 0x00};
        byte[] pong = sendAndListen(ping, 5000);
        assertThat(pong).isNotNull().hasSize(28);
        assertThat(pong[3]).isEqualTo((byte) 0x06);
        assertThat(Arrays.copyOfRange(pong, 4, 8)).isEqualTo(new byte[] {0x00, 0x00, 0x11, (byte) 0xBE});
        assertThat(pong[8]).isEqualTo((byte) 0x40);
        assertThat(pong[9]).as("message tag echoed").isEqualTo((byte) 0x2A);
        assertThat(pong[11]).isEqualTo((byte) 16);
        assertThat(pong[20]).as("IPMI supported").isEqualTo((byte) 0x81);
    }

    @Test
    @Order(9)
    void closedSessionsLeaveTheTable() throws Exception {
        admin(lanplus(17), "chassis", "power", "status");
        admin(LAN, "chassis", "power", "status");
        assertThat(eventually(() -> activeSessions() == 0, Duration.ofSeconds(5))).isTrue();
    }

    @Test
    @Order(10)
    void twentyWrongIpmitoolLoginsLockThatSourceOutButNotTheOwner() throws Exception {
        try (UdpTap attacker = new UdpTap(app.ipmiPort(), false, InetAddress.getByName("127.0.0.2"))) {
            for (int i = 0; i < 20; i++) {
                List<String> iface = i % 2 == 0 ? lanplus(17) : LAN;
                assertThat(ipmitool(iface, "admin", "wrong-pass-" + i, attacker.port(), "chassis", "power", "status").exit())
                        .isNotZero();
            }
            for (List<String> iface : List.of(lanplus(17), lanplus(3), LAN)) {
                DemoPower.Result right = ipmitool(iface, "admin", DemoPower.IPMI_PASSWORD, attacker.port(), "chassis", "power", "status");
                assertThat(right.output()).as("the right password from the guessing source, " + iface)
                        .doesNotContain("Chassis Power is");
            }
        }
        assertThat(admin(lanplus(17), "chassis", "power", "status").output()).as("the owner, from 127.0.0.1")
                .contains("Chassis Power is");
        assertThat(admin(LAN, "chassis", "power", "status").output()).contains("Chassis Power is");
    }

    private static int activeSessions() {
        try {
            return org.passkvm.web.Json.MAPPER.readTree(app.admin().get("/api/health").body())
                    .at("/capabilities/ipmi/details/sessions").asInt(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static byte[] v15(byte[] message) {
        byte[] p = new byte[14 + message.length];
        p[0] = 0x06;
        p[2] = (byte) 0xFF;
        p[3] = 0x07;
        p[13] = (byte) message.length;
        System.arraycopy(message, 0, p, 14, message.length);
        return p;
    }

    /** Sends one datagram and returns the answer, or null when none comes within 300 ms. */
    static byte[] sendAndListen(byte[] packet) throws Exception {
        return sendAndListen(packet, 300);
    }

    static byte[] sendAndListen(byte[] packet, int timeoutMillis) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), app.ipmiPort()));
            byte[] buf = new byte[512];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                s.receive(in);
                return Arrays.copyOf(in.getData(), in.getLength());
            } catch (SocketTimeoutException e) {
                return null;
            }
        }
    }

    /** Minimal JSON field reader for test answers. */
    static final class Json {
        static String field(String json, String name) throws Exception {
            return org.passkvm.web.Json.MAPPER.readTree(json).get(name).asText();
        }
    }
}
