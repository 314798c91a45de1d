package org.passkvm.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.web.TestHttps;

/** The demo appliance serves the simulated target's screen as snapshots and as an MJPEG stream. */
class DemoVideoTest {

    @TempDir
    static Path dataDir;

    static TestAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = TestAppliance.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void snapshotIsAJpegOfTheTargetScreen() throws Exception {
        byte[] jpeg = app.admin().getBytes("/api/video/snapshot.jpg");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(720);
    }

    @Test
    void mjpegStreamDeliversAtLeastTwentyFramesInTwoSeconds() throws Exception {
        HttpResponse<InputStream> c = app.admin().getStream("/api/video/stream.mjpeg");
        assertThat(c.statusCode()).isEqualTo(200);
        assertThat(c.headers().firstValue("Content-Type").orElse("")).startsWith("multipart/x-mixed-replace");
        try (var reader = new MjpegReader(c.body())) {
            reader.next(); // the first frame may wait for the capture to open
            long start = System.nanoTime();
            int frames = 0;
            while (System.nanoTime() - start < 2_000_000_000L) {
                byte[] jpeg = reader.next();
                assertThat(jpeg).isNotNull();
                assertThat(jpeg[0] & 0xff).isEqualTo(0xff);
                assertThat(jpeg[1] & 0xff).isEqualTo(0xd8);
                frames++;
            }
            assertThat(frames).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void aClientThatStopsReadingSkipsFramesWhileAFastOneKeepsItsRateAndMemoryStaysFlat() throws Exception {
        int buffersBefore = jpegBuffers();
        try (SSLSocket stalled = (SSLSocket) TestHttps.trustAll().getSocketFactory().createSocket()) {
            stalled.setReceiveBufferSize(4096); // fills after a frame or two, then the server's writes to it block
            stalled.connect(new InetSocketAddress("127.0.0.1", app.port()));
            stalled.getOutputStream().write(("GET /api/video/stream.mjpeg HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + TestHttps.basicHeader("admin", TestAppliance.PASSWORD) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            stalled.getInputStream().read(); // it is being served; from now on it reads nothing

            try (var fast = new MjpegReader(app.admin().getStream("/api/video/stream.mjpeg").body())) {
                fast.next();
                long start = System.nanoTime();
                int frames = 0;
                while (System.nanoTime() - start < 2_000_000_000L) {
                    assertThat(fast.next()).isNotNull();
                    frames++;
                }
                assertThat(frames).as("the fast client's frames in 2 s next to a stalled one").isGreaterThanOrEqualTo(20);
            }
            assertThat(jpegBuffers()).as("JPEG buffers ever allocated: one per reader in flight, none queued")
                    .isLessThanOrEqualTo(Math.max(buffersBefore, 2) + 2);
        }
    }

    private static int jpegBuffers() throws Exception {
        return TestHttps.json(app.admin().get("/api/video")).path("jpegBuffers").asInt();
    }

    @Test
    void statusReportsTheStream() throws Exception {
        app.admin().getBytes("/api/video/snapshot.jpg");
        String json = app.admin().getText("/api/video");
        assertThat(json).contains("\"source\":\"demo\"", "\"width\":1280", "\"jpegEncoder\":\"mjpeg q80\"");
    }

    @Test
    void videoNeedsALogin() throws Exception {
        HttpResponse<String> c = TestHttps.basic(app.port(), "admin", "wrong-password").get("/api/video/snapshot.jpg");
        assertThat(c.statusCode()).isEqualTo(401);
    }
}
