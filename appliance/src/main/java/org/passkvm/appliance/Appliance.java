package org.passkvm.appliance;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.passkvm.appliance.settings.Schema;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
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

    static final Setting<String> HOSTNAME = Setting.text("hostname", "passkvm",
            "certificate names: passkvm, passkvm.local, localhost, 127.0.0.1, ::1");
    static final Setting<String> TLS_CERT = Setting.text("cert", "",
            "PEM chain; generated per device on first start when both files are missing").shown("<data-dir>/tls/cert.pem");
    static final Setting<String> TLS_KEY = Setting.text("key", "",
            "PEM private key (PKCS#8 or traditional); replace both to use your own").shown("<data-dir>/tls/key.pem");
    static final Setting<Integer> SESSION_IDLE = Setting.integer("session_idle_minutes", 30, 1, 24 * 60,
            "a browser session ends after this long unused");
    static final Setting<Integer> SESSION_ABSOLUTE = Setting.integer("session_absolute_hours", 12, 1, 24 * 30,
            "… and after this long in any case");
    static final Setting<Integer> LOGIN_MAX_FAILURES = Setting.integer("login_max_failures", 5, 1, 100,
            "wrong passwords for one user from one address before that address is locked out for that user; "
                    + "four times as many for any users lock the address out");
    static final Setting<Integer> LOGIN_LOCKOUT = Setting.integer("login_lockout_seconds", 60, 1, 3600,
            "first lockout; each further failure doubles it, up to an hour");
    static final Setting<Integer> ARGON_MEMORY = Setting.integer("memory_kib", 19 * 1024, 1024, 1024 * 1024,
            "Argon2id cost for password hashes (OWASP minimum)");
    static final Setting<Integer> ARGON_ITERATIONS = Setting.integer("iterations", 2, 1, 10, "");

    static final Section WEB = Section.of("web", HOSTNAME, SESSION_IDLE, SESSION_ABSOLUTE, LOGIN_MAX_FAILURES, LOGIN_LOCKOUT)
            .with(Section.of("tls", TLS_CERT, TLS_KEY))
            .with(Section.of("argon2", ARGON_MEMORY, ARGON_ITERATIONS));

    /** The capabilities; the registry starts them in the order their needs give, not this one. */
    static final List<Capability> CAPABILITIES = List.of(new VideoCapability(), new HidCapability(), new MediaCapability(),
            new PowerCapability(), new VmCapability(), new VncCapability(), new AudioCapability());

    /** Every setting of every part, in the order docs/configuration.md shows them. */
    public static final Schema SCHEMA = new Schema(List.of(WEB, VideoCapability.SETTINGS, HidCapability.SETTINGS,
            MediaCapability.SETTINGS, PowerCapability.ATX, PowerCapability.WOL, PowerCapability.REDFISH, PowerCapability.IPMI,
            VmCapability.SETTINGS, VncCapability.SETTINGS, AudioCapability.SETTINGS, Parts.DEMO));

    public static Appliance start(StartupOptions options, Config file) throws IOException {
        long started = System.nanoTime();
        // The admin's run-time changes (Settings panel) lie over the file, which may sit on a read-only root.
        Config config = RuntimeSettings.withOverrides(options.dataDir(), file);
        Schema.Settings settings = SCHEMA.read(config); // the whole file is checked before anything starts
        Registry registry = new Registry(CAPABILITIES);
        Choices choices = registry.choose(settings);
        Files.createDirectories(options.dataDir());
        Values webValues = settings.section("web");
        WebServer web = new WebServer(webSettings(options, webValues), passwordHasher(webValues.section("argon2")),
                System.getenv("PASSKVM_ADMIN_PASSWORD"));
        Parts parts = new Parts(settings, options, web);
        try {
            registry.start(parts, choices);
            DemoTargetRoutes.register(parts);
            RuntimeSettings.register(web.api(), options.dataDir(), file, settings, parts);
            web.start();
        } catch (RuntimeException | IOException e) {
            parts.close();
            web.close();
            throw e;
        }
        Logger.info("PassKVM up in {} ms; data in {}", (System.nanoTime() - started) / 1_000_000, options.dataDir());
        // What nobody needs to reach the console (the VNC port, …) starts now, while the first page loads.
        parts.startLater();
        return new Appliance(web, parts);
    }

    private static WebSettings webSettings(StartupOptions options, Values web) {
        Values tls = web.section("tls");
        var dataDir = options.dataDir();
        String cert = tls.get(TLS_CERT);
        String key = tls.get(TLS_KEY);
        return new WebSettings(
                options.bind(),
                options.port(),
                options.httpPort(),
                dataDir,
                cert.isBlank() ? dataDir.resolve("tls/cert.pem") : java.nio.file.Path.of(cert),
                key.isBlank() ? dataDir.resolve("tls/key.pem") : java.nio.file.Path.of(key),
                web.get(HOSTNAME),
                Duration.ofMinutes(web.get(SESSION_IDLE)),
                Duration.ofHours(web.get(SESSION_ABSOLUTE)),
                web.get(LOGIN_MAX_FAILURES),
                Duration.ofSeconds(web.get(LOGIN_LOCKOUT)));
    }

    private static PasswordHasher passwordHasher(Values argon) {
        return new PasswordHasher(argon.get(ARGON_MEMORY), argon.get(ARGON_ITERATIONS), 1);
    }

    public WebServer web() {
        return web;
    }

    public Parts parts() {
        return parts;
    }

    /** Waits until the parts that start after the console have started or failed; false on timeout. */
    public boolean awaitParts(Duration within) throws InterruptedException {
        return parts.awaitLater(within);
    }

    @Override
    public void close() {
        parts.close();
        web.close();
    }
}
