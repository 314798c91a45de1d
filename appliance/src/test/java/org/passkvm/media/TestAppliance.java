package org.passkvm.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.passkvm.appliance.Appliance;
import org.passkvm.appliance.Config;
import org.passkvm.appliance.StartupOptions;

/** The whole appliance on loopback with an ephemeral port, in demo mode unless the YAML says otherwise. */
final class TestAppliance implements AutoCloseable {

    /** Cheap password hashing: every Basic-auth request hashes once. */
    static final String FAST_AUTH = "web:\n  argon2:\n    memory_kib: 1024\n    iterations: 1\n";

    final Appliance appliance;
    final MediaClient client;
    final Path dataDir;

    private TestAppliance(Appliance appliance, MediaClient client, Path dataDir) {
        this.appliance = appliance;
        this.client = client;
        this.dataDir = dataDir;
    }

    static TestAppliance start(Path dataDir, String yaml) throws IOException, InterruptedException {
        Path file = Files.createTempFile("passkvm-media", ".yaml");
        Files.writeString(file, FAST_AUTH + yaml);
        Appliance a = Appliance.start(new StartupOptions(null, dataDir, 0, 0, 0, "127.0.0.1"), Config.load(file));
        Files.delete(file);
        try {
            return new TestAppliance(a, MediaClient.login(a.web().port(), dataDir), dataDir);
        } catch (IOException | RuntimeException | InterruptedException e) {
            a.close();
            throw e;
        }
    }

    Path images() {
        return dataDir.resolve("images");
    }

    @Override
    public void close() {
        appliance.close();
    }
}
