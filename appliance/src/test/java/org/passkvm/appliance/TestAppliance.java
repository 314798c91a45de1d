package org.passkvm.appliance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.passkvm.web.TestHttps;
import org.passkvm.web.auth.Accounts;

/**
 * The whole appliance on its embedded default, on ephemeral ports, for end-to-end tests. The
 * admin's generated first password is replaced with {@link #PASSWORD} the way a user would.
 */
public final class TestAppliance implements AutoCloseable {

    public static final String PASSWORD = "test-admin-password";
    /** Cheap hashing: the tests prove behaviour, the benchmarks measure cost. */
    public static final String FAST_HASHING = "web:\n  argon2:\n    memory_kib: 1024\n    iterations: 1\n";

    private final Appliance appliance;
    private final Path dataDir;

    private TestAppliance(Appliance appliance, Path dataDir) {
        this.appliance = appliance;
        this.dataDir = dataDir;
    }

    public static TestAppliance start(Path dataDir) throws IOException {
        return start(dataDir, "");
    }

    /** Starts with extra YAML settings appended after the fast-hashing ones (no other "web:" section). */
    public static TestAppliance start(Path dataDir, String extraYaml) throws IOException {
        TestAppliance t = startUnclaimed(dataDir, extraYaml);
        t.chooseAdminPassword();
        return t;
    }

    /**
     * Starts as on first boot: the admin still has the generated password in {@link #initialPasswordFile()},
     * so {@link #admin()} does not work until someone chooses theirs.
     */
    public static TestAppliance startUnclaimed(Path dataDir, String extraYaml) throws IOException {
        Path config = dataDir.resolve("passkvm.yaml");
        Files.createDirectories(dataDir);
        Files.writeString(config, FAST_HASHING + extraYaml);
        Appliance appliance = Appliance.start(new StartupOptions(config, dataDir.resolve("data"), 0, 0, 0, "127.0.0.1"),
                Config.load(config));
        return new TestAppliance(appliance, dataDir.resolve("data"));
    }

    /** Where the appliance wrote the admin's generated first password (gone once it is changed). */
    public Path initialPasswordFile() {
        return dataDir.resolve(Accounts.INITIAL_PASSWORD_FILE);
    }

    private void chooseAdminPassword() throws IOException {
        Path initial = initialPasswordFile();
        if (!Files.exists(initial)) {
            return;
        }
        String generated = Files.readString(initial).trim();
        var r = TestHttps.basic(port(), "admin", generated).post("/api/auth/password",
                "{\"currentPassword\":\"" + generated + "\",\"newPassword\":\"" + PASSWORD + "\"}");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("could not set the admin password: " + r.body());
        }
    }

    public int port() {
        return appliance.web().port();
    }

    public TestHttps admin() {
        return TestHttps.basic(port(), "admin", PASSWORD);
    }

    public TestHttps anonymous() {
        return TestHttps.anonymous(port());
    }

    public Appliance appliance() {
        return appliance;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        appliance.close();
    }
}
