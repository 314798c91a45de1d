package org.passkvm.web;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.passkvm.web.auth.PasswordHasher;

/** A web server on an ephemeral port with cheap password hashing, for tests. */
public final class TestWebServer {

    /** Argon2id at its cheapest: tests check behaviour, not hashing cost. */
    public static final PasswordHasher FAST_HASHER = new PasswordHasher(1024, 1, 1);

    private TestWebServer() {}

    public static WebSettings settings(Path dataDir) {
        return new WebSettings("127.0.0.1", 0, 0, dataDir, dataDir.resolve("tls/cert.pem"), dataDir.resolve("tls/key.pem"),
                "passkvm", Duration.ofMinutes(30), Duration.ofHours(12), 5, Duration.ofSeconds(60));
    }

    public static WebServer create(Path dataDir, String adminPassword) throws IOException {
        return new WebServer(settings(dataDir), FAST_HASHER, adminPassword);
    }
}
