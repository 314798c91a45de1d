package org.passkvm.power;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;

/**
 * The demo appliance with IPMI on a free UDP port and press timings short enough for tests (the
 * simulated board still needs its 4 s hold for a hard off), plus helpers to run real clients.
 */
public final class DemoPower {

    public static final String IPMI_PASSWORD = "ipmi-secret-123";
    static final String YAML = """
            demo:
              boot_ms: 400
            atx:
              press_ms: 150
              long_press_ms: 4300
              reset_press_ms: 150
              cycle_off_ms: 300
            """;

    private DemoPower() {}

    /** Starts the demo appliance with IPMI on a free UDP port and its credentials set to {@link #IPMI_PASSWORD}. */
    public static TestAppliance start(Path dir) throws IOException {
        return start(dir, YAML);
    }

    static TestAppliance start(Path dir, String yaml) throws IOException {
        TestAppliance app = TestAppliance.startWithIpmi(dir, yaml);
        var r = app.admin().post("/api/ipmi/credentials", "{\"password\":\"" + IPMI_PASSWORD + "\"}");
        if (r.statusCode() != 200) {
            app.close();
            throw new IllegalStateException("could not enable IPMI: " + r.body());
        }
        return app;
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

    /**
     * Whether a condition came to hold within the time: {@link Await#holds}, kept for the IPMI and Redfish tests
     * that still call it. New code calls {@link Await#until}, whose failure names what it waited for.
     */
    @Deprecated
    public static boolean eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
        return Await.holds(within, condition::getAsBoolean);
    }

}
