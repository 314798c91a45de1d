package org.passkvm.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;

/** A PassKVM process killed with SIGKILL in the middle of an upload, then started again on the same data. */
class MediaCrashTest {

    @TempDir
    Path data;

    @Test
    void killMinus9MidUploadLeavesNoListedPartialImageAndFreesItsSpace() throws Exception {
        Path config = data.resolve("passkvm.yaml");
        Files.writeString(config, TestAppliance.FAST_HASHING);
        Path images = data.resolve("images");

        int port = freePort();
        Process first = startPassKvm(port, config);
        Thread upload;
        try {
            TestAppliance.chooseAdminPassword(waitUntilUp(first, port), data);
            MediaClient api = MediaClient.existing(port);
            upload = new Thread(() -> {
                try {
                    api.send(api.builder("/api/media/images/installer.iso").PUT(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new MediaApiTest.PatternStream(4L << 30, null))).build());
                } catch (IOException | InterruptedException expected) {
                    // the server dies under it
                }
            });
            upload.setDaemon(true);
            upload.start();
            Await.value(Duration.ofSeconds(60), () -> partBytes(images), n -> n >= 32L << 20, "upload under way (32 MiB in the .part file)");
            assertThat(api.image("installer.iso").get("state").asText()).isEqualTo("uploading");
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            first.waitFor(30, TimeUnit.SECONDS);
        }
        long left = partBytes(images);
        assertThat(left).as("temporary file left by the killed process").isGreaterThan(0);

        int port2 = freePort();
        Process second = startPassKvm(port2, config);
        try {
            MediaClient api = MediaClient.existing(waitUntilUp(second, port2));
            assertThat(api.image("installer.iso")).isNull();
            assertThat(api.get("/api/media/images").body()).isEqualTo("[]");
            assertThat(partBytes(images)).as("space of the partial upload").isZero();
            try (Stream<Path> files = Files.list(images)) {
                assertThat(files.toList()).isEmpty();
            }
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process startPassKvm(int port, Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", cp, "org.passkvm.appliance.Main", "--config",
            config.toString(), "--data-dir", data.toString(), "--port", Integer.toString(port), "--ipmi-port", "0",
            "--http-port", "0", "--bind", "127.0.0.1"))
            .redirectErrorStream(true).redirectOutput(data.resolve("passkvm-" + port + ".log").toFile()).start();
    }

    private int waitUntilUp(Process p, int port) throws Exception {
        Await.until(Duration.ofSeconds(90), () -> {
            assertThat(p.isAlive()).as(Files.readString(data.resolve("passkvm-" + port + ".log"))).isTrue();
            try (var s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }, "PassKVM listening on " + port);
        return port;
    }

    private static long partBytes(Path images) throws IOException {
        if (!Files.isDirectory(images)) {
            return 0;
        }
        long sum = 0;
        try (Stream<Path> files = Files.list(images)) {
            for (Path p : files.toList()) {
                if (p.getFileName().toString().endsWith(".part")) {
                    sum += Files.size(p);
                }
            }
        }
        return sum;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
