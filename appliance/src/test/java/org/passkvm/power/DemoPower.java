package org.passkvm.power;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.passkvm.appliance.Appliance;
import org.passkvm.appliance.Config;
import org.passkvm.appliance.StartupOptions;
import org.passkvm.web.TestHttps;
import org.passkvm.web.auth.Accounts;

/**
 * The demo appliance with IPMI on a free UDP port and press timings short enough for tests (the
 * simulated board still needs its 4 s hold for a hard off), plus helpers to run real clients.
 */
public final class DemoPower implements AutoCloseable {

    public static final String PASSWORD = "test-admin-password";
    public static final String IPMI_PASSWORD = "ipmi-secret-123";
    static final String YAML = """
            web:
              argon2:
                memory_kib: 1024
                iterations: 1
            demo:
              boot_ms: 400
            atx:
              press_ms: 150
              long_press_ms: 4300
              reset_press_ms: 150
              cycle_off_ms: 300
            """;

    private final Appliance appliance;
    private final int ipmiPort;

    private DemoPower(Appliance appliance, int ipmiPort) {
        this.appliance = appliance;
        this.ipmiPort = ipmiPort;
    }

    public static DemoPower start(Path dir) throws IOException {
        Path config = dir.resolve("passkvm.yaml");
        Files.createDirectories(dir);
        Files.writeString(config, YAML);
        int ipmi;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            ipmi = probe.getLocalPort();
        }
        Path data = dir.resolve("data");
        Appliance a = Appliance.start(new StartupOptions(config, data, 0, ipmi, 0, "127.0.0.1"), Config.load(config));
        DemoPower p = new DemoPower(a, ipmi);
        String generated = Files.readString(data.resolve(Accounts.INITIAL_PASSWORD_FILE)).trim();
        var r = TestHttps.basic(p.port(), "admin", generated).post("/api/auth/password",
                "{\"currentPassword\":\"" + generated + "\",\"newPassword\":\"" + PASSWORD + "\"}");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("could not set the admin password: " + r.body());
        }
        r = p.admin().post("/api/ipmi/credentials", "{\"password\":\"" + IPMI_PASSWORD + "\"}");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("could not enable IPMI: " + r.body());
        }
        return p;
    }

    public int port() {
        return appliance.web().port();
    }

    public int ipmiPort() {
        return ipmiPort;
    }

    public Appliance appliance() {
        return appliance;
    }

    public TestHttps admin() {
        return TestHttps.basic(port(), "admin", PASSWORD);
    }

    public org.passkvm.simulator.SimulatedTarget target() {
        return appliance.parts().simulator();
    }

    /** Runs a command, returns exit code and merged output; fails the test if it hangs. */
    public static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()).trim());
    }

    public record Result(int exit, String output) {}

    public static boolean installed(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** Waits for a condition, for state changes that take the simulated board a moment. */
    public static boolean eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        appliance.close();
    }
}
