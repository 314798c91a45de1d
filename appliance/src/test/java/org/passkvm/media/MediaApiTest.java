package org.passkvm.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;

/** The media API on the demo appliance, over HTTPS, as curl or the console would use it. */
class MediaApiTest {

    @TempDir
    static Path dataDir;
    static TestAppliance app;
    static MediaClient api;

    @BeforeAll
    static void start() throws Exception {
        app = TestAppliance.start(dataDir, "media:\n  quota_mb: 64\n  reserve_mb: 0\n");
        api = MediaClient.of(app);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void uploadedImageIsListedReadyWithItsSha256() throws Exception {
        byte[] iso = random(3 * 1024 * 1024, 1);
        HttpResponse<String> r = api.put("/api/media/images/debian-12.iso", iso);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode listed = api.image("debian-12.iso");
        assertThat(listed.get("state").asText()).isEqualTo("ready");
        assertThat(listed.get("size").asLong()).isEqualTo(iso.length);
        assertThat(listed.get("sha256").asText()).isEqualTo(sha256(iso));
        assertThat(listed.get("inUse").asBoolean()).isFalse();
        assertThat(listed.get("cdrom").asBoolean()).isTrue();
        assertThat(Files.readAllBytes(app.dataDir().resolve("images").resolve("debian-12.iso"))).isEqualTo(iso);
    }

    @Test
    void largeChunkedUploadStreamsPastTheServersMaxRequestSize() throws Exception {
        // 40 MB without Content-Length: the 1 MB maxRequestSize of ctx.body() must not apply to a streamed body.
        long size = 40L * 1024 * 1024;
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        InputStream body = new PatternStream(size, expected);
        HttpResponse<String> r = api.send(api.builder("/api/media/images/big.img")
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode listed = api.image("big.img");
        assertThat(listed.get("size").asLong()).isEqualTo(size);
        assertThat(listed.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(api.delete("/api/media/images/big.img").statusCode()).isEqualTo(204);
    }

    @Test
    void uploadLargerThanTheQuotaIsRefusedBeforeItsBodyIsSent() throws Exception {
        // Raw HTTP/1.1 as curl -T sends it: headers with Expect: 100-continue, then wait. (Java 17's HttpClient hangs
        // when a final status answers an Expect, so it cannot be used here.)
        long size = 100L * 1024 * 1024;
        String answer = api.rawPutHeadersOnly("/api/media/images/huge.iso", size);
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).contains("quota").contains("media.quota_mb");
        assertThat(api.image("huge.iso")).isNull();
    }

    @Test
    void chunkedUploadThatOutgrowsTheQuotaStopsAndLeavesNothingBehind() throws Exception {
        long size = 90L * 1024 * 1024;
        try {
            HttpResponse<String> r = api.send(api.builder("/api/media/images/grows.img")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, null))).build());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(api.json(r).get("error").asText()).contains("quota");
        } catch (IOException e) {
            // The server may close the connection while the client is still sending: also a refusal.
        }
        assertThat(api.image("grows.img")).isNull();
        try (Stream<Path> files = Files.list(app.dataDir().resolve("images"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(f -> f.endsWith(".part"));
        }
    }

    @Test
    void namesWithPathTricksAreRefused() throws Exception {
        for (String bad : new String[] {".hidden.iso", "a..b", "%2e%2e", "x%00y", "a%5Cb", "x".repeat(201)}) {
            HttpResponse<String> r = api.put("/api/media/images/" + bad, new byte[] {1});
            assertThat(r.statusCode()).as(bad + ": " + r.body()).isEqualTo(400);
        }
        try (Stream<Path> files = Files.list(app.dataDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith("x") || f.equals("b"));
        }
    }

    @Test
    void imageInTheDriveCannotBeDeletedOrOverwrittenUntilEjected() throws Exception {
        byte[] img = random(1024 * 1024, 2);
        assertThat(api.put("/api/media/images/stick.img", img).statusCode()).isEqualTo(201);
        HttpResponse<String> mount = api.post("/api/media/mount", "{\"image\":\"stick.img\",\"mode\":\"flash\",\"readOnly\":false}");
        assertThat(mount.statusCode()).as(mount.body()).isEqualTo(200);
        JsonNode state = api.json(mount);
        assertThat(state.at("/mounted/image").asText()).isEqualTo("stick.img");
        assertThat(state.at("/mounted/mode").asText()).isEqualTo("flash");
        assertThat(state.at("/mounted/readOnly").asBoolean()).isFalse();
        assertThat(state.get("simulated").asBoolean()).isTrue();
        assertThat(api.image("stick.img").get("inUse").asBoolean()).isTrue();

        HttpResponse<String> del = api.delete("/api/media/images/stick.img");
        assertThat(del.statusCode()).isEqualTo(409);
        assertThat(api.json(del).get("error").asText()).contains("eject");
        assertThat(api.put("/api/media/images/stick.img", random(10, 3)).statusCode()).isEqualTo(409);

        assertThat(api.post("/api/media/eject", "").statusCode()).isEqualTo(200);
        assertThat(api.json(api.get("/api/media")).get("mounted").isNull()).isTrue();
        assertThat(api.delete("/api/media/images/stick.img").statusCode()).isEqualTo(204);
        assertThat(api.image("stick.img")).isNull();
    }

    @Test
    void cdromMountIsReadOnlyAndSwitchesImages() throws Exception {
        assertThat(api.put("/api/media/images/one.iso", random(300 * 2048, 4)).statusCode()).isEqualTo(201);
        assertThat(api.put("/api/media/images/two.iso", random(400 * 2048, 5)).statusCode()).isEqualTo(201);
        HttpResponse<String> rw = api.post("/api/media/mount", "{\"image\":\"one.iso\",\"mode\":\"cdrom\",\"readOnly\":false}");
        assertThat(rw.statusCode()).isEqualTo(400);
        assertThat(api.json(rw).get("error").asText()).contains("read-only");

        assertThat(api.post("/api/media/mount", "{\"image\":\"one.iso\",\"mode\":\"cdrom\"}").statusCode()).isEqualTo(200);
        JsonNode state = api.json(api.post("/api/media/mount", "{\"image\":\"two.iso\",\"mode\":\"cdrom\"}"));
        assertThat(state.at("/mounted/image").asText()).isEqualTo("two.iso");
        assertThat(state.at("/mounted/mode").asText()).isEqualTo("cdrom");
        assertThat(state.at("/mounted/readOnly").asBoolean()).isTrue();
        assertThat(api.image("one.iso").get("inUse").asBoolean()).isFalse();
        api.post("/api/media/eject", "{\"force\":true}");
    }

    @Test
    void mountingWhatIsNotThereSaysSo() throws Exception {
        HttpResponse<String> r = api.post("/api/media/mount", "{\"image\":\"nothing.iso\",\"mode\":\"cdrom\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        HttpResponse<String> mode = api.post("/api/media/mount", "{\"image\":\"nothing.iso\",\"mode\":\"dvd\"}");
        assertThat(mode.statusCode()).isEqualTo(400);
        assertThat(api.json(mode).get("error").asText()).contains("cdrom or flash");
    }

    @Test
    void stateShowsTheDriveAndTheStorage() throws Exception {
        JsonNode s = api.json(api.get("/api/media"));
        assertThat(s.get("implementation").asText()).isEqualTo("demo");
        assertThat(s.at("/capabilities/cdromMaxBytes").asLong()).isEqualTo(2_359_293_952L);
        assertThat(s.at("/storage/quotaBytes").asLong()).isEqualTo(64L * 1024 * 1024);
        JsonNode health = api.json(api.get("/api/health"));
        assertThat(health.at("/capabilities/media/implementation").asText()).isEqualTo("demo");
    }

    /** A deterministic byte stream of a given length that never sits in memory whole. */
    static class PatternStream extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long pos;

        PatternStream(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((pos + i) * 31 + ((pos + i) >>> 12));
            }
            if (digest != null) {
                digest.update(b, off, n);
            }
            pos += n;
            return n;
        }
    }
}
