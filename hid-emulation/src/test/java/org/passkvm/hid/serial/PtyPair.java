package org.passkvm.hid.serial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;

/** Two connected pseudo-terminals from socat, at fixed paths so that a "replugged" pair reappears where it was. */
final class PtyPair implements AutoCloseable {

    final Path chip;
    final Path host;
    private Process socat;

    PtyPair(Path dir) {
        this.chip = dir.resolve("chip");
        this.host = dir.resolve("host");
    }

    static void requireSocat() {
        Tools.require("socat");   // the CH9329 serial tests need a pty pair
    }

    /** Plugs the pair in; returns once both ends exist. */
    PtyPair plug() throws IOException, InterruptedException {
        socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + chip, "pty,raw,echo=0,link=" + host)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Await.until(Duration.ofSeconds(5), () -> {
            if (!socat.isAlive()) {
                throw new IOException("socat exited before creating the pty pair");
            }
            return Files.exists(chip) && Files.exists(host);
        }, "socat's pty pair");
        return this;
    }

    /** Pulls the pair out: both ptys disappear, as a USB-serial adapter does when unplugged. */
    void unplug() throws InterruptedException {
        socat.destroy();
        socat.waitFor(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(5), () -> !Files.exists(chip) && !Files.exists(host), "both ptys gone");
    }

    @Override
    public void close() throws InterruptedException {
        if (socat != null && socat.isAlive()) {
            unplug();
        }
    }
}
