package org.passkvm.appliance;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.passkvm.simulator.SimulatorWiring;
import org.passkvm.web.WebServer;
import org.passkvm.web.WebSettings;
import org.passkvm.web.auth.PasswordHasher;
import org.tinylog.Logger;

/** The running appliance: the web server plus every capability, each on its real or demo part. */
public final class Appliance implements AutoCloseable {

    private final WebServer web;
    private final Parts parts;

    private Appliance(WebServer web, Parts parts) {
        this.web = web;
        this.parts = parts;
    }

    public static Appliance start(StartupOptions options, Config config) throws IOException {
        long started = System.nanoTime();
        Files.createDirectories(options.dataDir());
        WebServer web = new WebServer(webSettings(options, config.section("web")), passwordHasher(config.section("web")),
                System.getenv("PASSKVM_ADMIN_PASSWORD"));
        Parts parts = new Parts(config, options, web);
        try {
            HidWiring.wire(parts);
            VideoWiring.wire(parts);
            PowerWiring.wire(parts);
            VmWiring.wire(parts);
            MediaWiring.wire(parts);
            SimulatorWiring.wire(parts);
            config.rejectUnknownKeys();
            web.start();
        } catch (RuntimeException | IOException e) {
            parts.close();
            web.close();
            throw e;
        }
        Logger.info("PassKVM up in {} ms; data in {}", (System.nanoTime() - started) / 1_000_000, options.dataDir());
        return new Appliance(web, parts);
    }

    private static WebSettings webSettings(StartupOptions options, Config web) {
        var tls = web.section("tls");
        var dataDir = options.dataDir();
        return new WebSettings(
                options.bind(),
                options.port(),
                options.httpPort(),
                dataDir,
                java.nio.file.Path.of(tls.string("cert", dataDir.resolve("tls/cert.pem").toString())),
                java.nio.file.Path.of(tls.string("key", dataDir.resolve("tls/key.pem").toString())),
                web.string("hostname", "passkvm"),
                Duration.ofMinutes(web.integer("session_idle_minutes", 30, 1, 24 * 60)),
                Duration.ofHours(web.integer("session_absolute_hours", 12, 1, 24 * 30)),
                web.integer("login_max_failures", 5, 1, 100),
                Duration.ofSeconds(web.integer("login_lockout_seconds", 60, 1, 3600)));
    }

    private static PasswordHasher passwordHasher(Config web) {
        Config argon = web.section("argon2");
        return new PasswordHasher(argon.integer("memory_kib", 19 * 1024, 1024, 1024 * 1024),
                argon.integer("iterations", 2, 1, 10), 1);
    }

    public WebServer web() {
        return web;
    }

    public Parts parts() {
        return parts;
    }

    @Override
    public void close() {
        parts.close();
        web.close();
    }
}
