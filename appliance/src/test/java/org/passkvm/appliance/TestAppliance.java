package org.passkvm.appliance;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.passkvm.simulator.SimulatedTarget;
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
    private final int ipmiPort;

    private TestAppliance(Appliance appliance, Path dataDir, int ipmiPort) {
        this.appliance = appliance;
        this.dataDir = dataDir;
        this.ipmiPort = ipmiPort;
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
        return startUnclaimed(dataDir, extraYaml, 0);
    }

    /** Like {@link #start(Path, String)}, with IPMI listening on a free UDP port ({@link #ipmiPort()}). */
    public static TestAppliance startWithIpmi(Path dataDir, String extraYaml) throws IOException {
        int ipmi;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            ipmi = probe.getLocalPort();
        }
        TestAppliance t = startUnclaimed(dataDir, extraYaml, ipmi);
        t.chooseAdminPassword();
        return t;
    }

    /**
     * Like {@link #start(Path, String)}, on a fixed HTTPS port and every address: inside the test VM, for a browser
     * outside that reaches it through testvm's {@code --forward} (QEMU forwards to the guest's 10.0.2.15).
     */
    public static TestAppliance startForOutside(Path dataDir, String extraYaml, int port) throws IOException {
        TestAppliance t = startUnclaimed(dataDir, extraYaml, 0, port, "0.0.0.0");
        t.chooseAdminPassword();
        return t;
    }

    private static TestAppliance startUnclaimed(Path dataDir, String extraYaml, int ipmiPort) throws IOException {
        return startUnclaimed(dataDir, extraYaml, ipmiPort, 0, "127.0.0.1");
    }

    private static TestAppliance startUnclaimed(Path dataDir, String extraYaml, int ipmiPort, int port, String bind) throws IOException {
        Path config = dataDir.resolve("passkvm.yaml");
        Files.createDirectories(dataDir);
        Files.writeString(config, FAST_HASHING + extraYaml);
        Appliance appliance = Appliance.start(new StartupOptions(config, dataDir.resolve("data"), port, ipmiPort, 0, bind),
                Config.load(config));
        try {
            // Tests talk to every part at once: wait for those that start after the console (VNC, …).
            if (!appliance.awaitParts(java.time.Duration.ofMinutes(3))) {
                appliance.close();
                throw new IOException("the parts that start after the console did not within 3 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            appliance.close();
            throw new IOException("interrupted while the parts started", e);
        }
        return new TestAppliance(appliance, dataDir.resolve("data"), ipmiPort);
    }

    /** Where the appliance wrote the admin's generated first password (gone once it is changed). */
    public Path initialPasswordFile() {
        return dataDir.resolve(Accounts.INITIAL_PASSWORD_FILE);
    }

    private void chooseAdminPassword() throws IOException {
        if (Files.exists(initialPasswordFile())) {
            chooseAdminPassword(port(), dataDir);
        }
    }

    /**
     * Replaces the admin's generated first password (in {@code dataDir}) with {@link #PASSWORD}, on an appliance
     * listening on {@code port} however it was started (also in another process). Patient: the first request may
     * meet a cold JVM, or the test VM's emulated CPU.
     */
    public static void chooseAdminPassword(int port, Path dataDir) throws IOException {
        String generated = Files.readString(dataDir.resolve(Accounts.INITIAL_PASSWORD_FILE)).trim();
        var r = TestHttps.basic(port, "admin", generated, Duration.ofMinutes(2), Duration.ofMinutes(10)).post("/api/auth/password",
                "{\"currentPassword\":\"" + generated + "\",\"newPassword\":\"" + PASSWORD + "\"}");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("could not set the admin password: " + r.statusCode() + " " + r.body());
        }
    }

    public int port() {
        return appliance.web().port();
    }

    /** The IPMI UDP port, or 0 where IPMI is off (started without {@link #startWithIpmi}). */
    public int ipmiPort() {
        return ipmiPort;
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

    /** The simulated target machine of the demo appliance. */
    public SimulatedTarget target() {
        return appliance.parts().simulator();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        appliance.close();
    }
}
