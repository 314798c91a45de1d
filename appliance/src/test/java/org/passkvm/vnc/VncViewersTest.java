package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;

/**
 * The VNC server against viewers nobody here wrote, on the demo target: vncsnapshot (RFB 3.3) in each encoding it
 * can ask for, gvnccapture (gtk-vnc, RFB 3.8) and TigerVNC's viewer under Xvfb, typed into with xdotool. What they
 * show must be the target's screen; what is typed must reach the target, from operators only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VncViewersTest {

    @TempDir
    static Path tmp;

    private static TestAppliance app;
    private static int display;
    private static String adminPassword;

    @BeforeAll
    static void start() throws IOException {
        display = freeDisplay();
        app = TestAppliance.start(tmp.resolve("app"), "vnc:\n  port: " + (5900 + display) + "\n");
        adminPassword = app.admin().json("POST", "/api/vnc/credentials", null).get("password").asText();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"raw", "hextile", "zlib", "zrle", "tight"})
    @Order(1)
    void vncsnapshotSeesTheTargetsScreenInEachEncoding(String encoding) throws Exception {
        Tools.require("vncsnapshot", "vncpasswd");
        Path out = tmp.resolve("snapshot-" + encoding + ".jpg");
        Viewers.Result r = Viewers.run(Duration.ofSeconds(30), "vncsnapshot", "-passwd",
                Viewers.passwordFile(tmp, adminPassword).toString(), "-encodings", encoding, "127.0.0.1:" + display,
                out.toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("VNC authentication succeeded", "using protocol version 3.3");
        assertLooksLikeTheTarget(ImageIO.read(out.toFile()));
    }

    @Test
    @Order(2)
    void gvnccaptureLogsInWithAPassKvmAccountOverVeNCryptAndSeesTheTargetsScreen() throws Exception {
        Path out = tmp.resolve("gvnc.png");
        Viewers.Result r = Viewers.gvncAsAccount(deviceCertificate(), "admin", TestAppliance.PASSWORD, "127.0.0.1:" + display, out);
        assertThat(r.code()).as(r.output()).isZero();
        assertLooksLikeTheTarget(ImageIO.read(out.toFile()));
    }

    @Test
    @Order(2)
    void veNCryptRefusesAWrongAccountPassword() throws Exception {
        Viewers.Result r = Viewers.gvncAsAccount(deviceCertificate(), "admin", "not the password", "127.0.0.1:" + display,
                tmp.resolve("refused.png"));
        assertThat(r.code()).as(r.output()).isNotZero();
        assertThat(tmp.resolve("refused.png")).doesNotExist();
    }

    /** Apache Guacamole's guacd is built on libvncclient: this probe asks what guacd asks (ZRLE first, 32 bpp). */
    @Test
    @Order(2)
    void libvncclientAskingAsGuacdDoesSeesTheTargetsScreen() throws Exception {
        Tools.require("gcc", "pkg-config", "/usr/include/rfb/rfbclient.h");
        Path probe = tmp.resolve("guacd-probe");
        Viewers.Result built = Viewers.run(Duration.ofSeconds(60), "sh", "-c", "gcc -o " + probe + " "
                + Tools.repository().resolve("appliance/src/test/c/guacd-probe.c") + " $(pkg-config --cflags --libs libvncclient)");
        assertThat(built.code()).as(built.output()).isZero();
        Path ppm = tmp.resolve("guacd.ppm");
        Viewers.Result r = Viewers.run(Duration.ofSeconds(30), probe.toString(), "127.0.0.1", String.valueOf(5900 + display),
                adminPassword, ppm.toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("PROBE ok 1280x720 protocol 3.8");
        assertLooksLikeTheTarget(Viewers.readPpm(ppm));
    }

    @Test
    @Order(3)
    void tigerVncTypesIntoTheTargetAndPointsAtItInsideTls() throws Exception {
        try (Viewers.Tiger tiger = Viewers.tiger(tmp, adminPassword, 5900 + display,
                "-SecurityTypes", "X509Vnc", "-X509CA", deviceCertificate().toString())) {
            tiger.clickAt(400, 300);
            tiger.type("echo Hello VNC!");
            tiger.key("Return");
            Await.until(Duration.ofSeconds(20), () -> app.target().state().lines().stream()
                    .anyMatch(l -> l.contains("echo Hello VNC!")), "the typed line on the target: " + app.target().state().lines());
            tiger.screenshot(tmp.resolve("tigervnc.png"));
            assertThat(app.target().state().clicks()).isNotEmpty();
        }
    }

    @Test
    @Order(4)
    void aViewerSeesTheScreenButTypesNothing() throws Exception {
        assertThat(app.admin().post("/api/users", "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"vera's long password\"}")
                .statusCode()).isEqualTo(201);
        String veraPassword = app.admin().json("POST", "/api/vnc/credentials?user=vera", null).get("password").asText();
        List<String> before = app.target().state().lines();
        try (Viewers.Tiger tiger = Viewers.tiger(tmp, veraPassword, 5900 + display, "-SecurityTypes", "VncAuth")) {
            tiger.type("nope");
            tiger.key("Return");
            Await.until(Duration.ofSeconds(10), () -> clients() == 1, "vera's session in health");
            assertThat(Await.holds(Duration.ofSeconds(1), () -> !app.target().state().lines().equals(before)))
                    .as("anything typed by a viewer reaching the target within a second").isFalse();
        }
        assertThat(app.target().state().lines()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void deletingAUserEndsTheirVncSessionAtOnce() throws Exception {
        assertThat(app.admin().post("/api/users", "{\"name\":\"otto\",\"role\":\"operator\",\"password\":\"otto's long password\"}")
                .statusCode()).isEqualTo(201);
        String ottoPassword = app.admin().json("POST", "/api/vnc/credentials?user=otto", null).get("password").asText();
        try (Viewers.Tiger tiger = Viewers.tiger(tmp, ottoPassword, 5900 + display)) {
            Await.until(Duration.ofSeconds(10), () -> clients() == 1, "otto's session in health");
            assertThat(app.admin().method("DELETE", "/api/users/otto", null).statusCode()).isEqualTo(200);
            Await.until(Duration.ofSeconds(5), () -> clients() == 0, "otto's session closed");
        }
    }

    @Test
    @Order(6)
    void wrongPasswordsAreRefusedAndCountTowardsTheLoginLockout() throws Exception {
        Tools.require("vncsnapshot", "vncpasswd");
        Path wrong = Viewers.passwordFile(tmp, "wrong123");
        for (int i = 0; i < 5; i++) {
            Viewers.Result r = Viewers.run(Duration.ofSeconds(30), "vncsnapshot", "-passwd", wrong.toString(),
                    "127.0.0.1:" + display, tmp.resolve("never.jpg").toString());
            assertThat(r.code()).as(r.output()).isNotZero();
            assertThat(r.output()).contains("VNC authentication failed");
        }
        // Locked out now: even the right password is not checked from this address for a while.
        Viewers.Result right = Viewers.run(Duration.ofSeconds(30), "vncsnapshot", "-passwd",
                Viewers.passwordFile(tmp, adminPassword).toString(), "127.0.0.1:" + display, tmp.resolve("locked.jpg").toString());
        assertThat(right.code()).as(right.output()).isNotZero();
        assertThat(tmp.resolve("locked.jpg")).doesNotExist();
        // RFB 3.3 has no room for the server's reason; 3.8 carries it, so read it off the wire.
        assertThat(refusalReason()).startsWith("too many failed logins from 127.0.0.1; try again in");
    }

    /** The SecurityResult reason a 3.8 client gets for a VNC-auth answer (this one all zeros). */
    private static String refusalReason() throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", 5900 + display)) {
            s.setSoTimeout(10_000);
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            java.io.OutputStream out = s.getOutputStream();
            in.readFully(new byte[12]);
            out.write("RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            in.readFully(new byte[in.readUnsignedByte()]);
            out.write(ServerMessages.SECURITY_VNC_AUTH);
            in.readFully(new byte[16]);
            out.write(new byte[16]);
            assertThat(in.readInt()).as("SecurityResult").isEqualTo(1);
            byte[] reason = new byte[in.readInt()];
            in.readFully(reason);
            return new String(reason, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static Path deviceCertificate() {
        return app.dataDir().resolve("tls/cert.pem");
    }

    private static int clients() {
        JsonNode vnc = app.admin().json("GET", "/api/health", null).path("capabilities").path("vnc");
        return vnc.path("details").path("clients").asInt(-1);
    }

    /** Close to the target's own snapshot: JPEG noise and the ticking clock move the mean only a little. */
    private static void assertLooksLikeTheTarget(BufferedImage seen) throws IOException {
        BufferedImage truth = ImageIO.read(new ByteArrayInputStream(app.admin().getBytes("/api/video/snapshot.jpg")));
        assertThat(seen.getWidth()).isEqualTo(truth.getWidth());
        assertThat(seen.getHeight()).isEqualTo(truth.getHeight());
        long sum = 0;
        int n = 0;
        for (int y = 0; y < truth.getHeight(); y += 4) {
            for (int x = 0; x < truth.getWidth(); x += 4) {
                int a = seen.getRGB(x, y);
                int b = truth.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF));
                    n++;
                }
            }
        }
        double mean = (double) sum / n;
        assertThat(mean).as("mean difference per colour channel from the target's snapshot").isLessThan(6.0);
    }

    /** A display number whose VNC port (5900 + n) is free, so every viewer's "host:n" syntax reaches us. */
    private static int freeDisplay() throws IOException {
        for (int n = 37; n < 99; n++) {
            try (ServerSocket probe = new ServerSocket(5900 + n, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                    return n;
                }
            } catch (IOException busy) {
                // taken; try the next
            }
        }
        throw new IOException("no free display number between 37 and 98");
    }
}
