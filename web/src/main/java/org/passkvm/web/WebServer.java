package org.passkvm.web;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import jakarta.servlet.DispatcherType;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.passkvm.web.auth.Accounts;
import org.passkvm.web.auth.ApiTokens;
import org.passkvm.web.auth.Audit;
import org.passkvm.web.auth.Principal;
import org.passkvm.web.auth.UserRoutes;
import org.passkvm.web.auth.AuthGate;
import org.passkvm.web.auth.AuthRoutes;
import org.passkvm.web.auth.LoginLimiter;
import org.passkvm.web.auth.PasswordHasher;
import org.passkvm.web.auth.Revocations;
import org.passkvm.web.auth.Sessions;
import org.passkvm.web.console.ConsoleAssets;
import org.passkvm.web.tls.DeviceCertificate;
import org.tinylog.Logger;

/**
 * The HTTPS server: Javalin on Jetty, one TLS connector with the device certificate, an optional
 * plain-HTTP connector that only redirects, and the gate in front of every route.
 */
public final class WebServer implements AutoCloseable {

    /** Bodies the API reads whole (JSON); image uploads stream and are exempt. */
    static final long MAX_BODY_BYTES = 1_000_000;
    /** A body arriving slower than this is cut, so slow senders cannot hold request threads (Jetty checks per read). */
    static final long MIN_BODY_BYTES_PER_SECOND = 1024;

    private final WebSettings settings;
    private final DeviceCertificate certificate;
    private final Api api;
    /** Created by {@link #start()}: Javalin 7 takes its routes only while it is configured. */
    private volatile Javalin app;
    private final Accounts accounts;
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final AuthGate gate;
    private final Health health = new Health();
    private final Audit audit;
    private final Revocations revocations;
    private final BodyLimit bodyLimit = new BodyLimit(MAX_BODY_BYTES);
    private final RedirectHosts redirectHosts;
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "web-housekeeping");
        t.setDaemon(true);
        return t;
    });

    public WebServer(WebSettings settings, PasswordHasher hasher, String provisionedAdminPassword) throws IOException {
        this.settings = settings;
        this.accounts = Accounts.open(settings.dataDir(), hasher, provisionedAdminPassword);
        this.sessions = new Sessions(settings.sessionIdleTimeout(), settings.sessionAbsoluteTimeout(), Clock.systemUTC());
        this.tokens = new ApiTokens(settings.dataDir());
        this.audit = new Audit(settings.dataDir());
        LoginLimiter limiter = new LoginLimiter(settings.loginMaxFailures(), Duration.ofMinutes(15),
                settings.loginLockout(), Clock.systemUTC());
        limiter.onFailure(audit::failedLogin);
        this.gate = new AuthGate(accounts, sessions, limiter, tokens);
        this.revocations = new Revocations(accounts, sessions, tokens);
        this.redirectHosts = new RedirectHosts(settings.hostname());
        this.certificate = DeviceCertificate.loadOrCreate(settings.certFile(), settings.keyFile(), settings.hostname());
        this.api = new Api(gate, revocations, bodyLimit);
        api.get("/api/health", Role.PUBLIC, ctx -> ctx.json(healthReport()));
        new AuthRoutes(accounts, sessions, limiter, audit, revocations).register(api);
        new UserRoutes(accounts, tokens, audit, revocations).register(api);
    }

    private Javalin create() {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            cfg.jetty.modifyServletContextHandler(handler -> {
                handler.addFilter(new FilterHolder(bodyLimit), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.setErrorHandler(new JsonErrorPages());
            });
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorPages()));
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
                http.setMinRequestDataRate(MIN_BODY_BYTES_PER_SECOND);
            });
            cfg.jetty.addConnector((server, httpConfig) -> httpsConnector(server, httpConfig, certificate));
            if (settings.httpRedirectPort() > 0) {
                cfg.jetty.addConnector((server, httpConfig) -> {
                    HttpConfiguration plain = new HttpConfiguration(httpConfig);
                    plain.setSendServerVersion(false);
                    ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(plain));
                    c.setHost(settings.bindAddress());
                    c.setPort(settings.httpRedirectPort());
                    return c;
                });
            }
            installFilters(cfg.routes);
            api.install(cfg.routes);
        });
    }

    private ServerConnector httpsConnector(org.eclipse.jetty.server.Server server, HttpConfiguration httpConfig,
            DeviceCertificate certificate) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(certificate.keyStore());
        ssl.setKeyStorePassword(new String(DeviceCertificate.STORE_PASSWORD));
        ssl.setKeyManagerPassword(new String(DeviceCertificate.STORE_PASSWORD));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setIncludeCipherSuites(org.passkvm.web.tls.CipherOrder.forThisCpu().toArray(String[]::new));
        ssl.setUseCipherSuitesOrder(true); // ours, not the client's: the server pays for every streamed byte
        ssl.setRenegotiationAllowed(false); // client-initiated renegotiation costs the server a handshake per request
        HttpConfiguration https = new HttpConfiguration(httpConfig);
        https.setSendServerVersion(false);
        // The device is reached by IP, by passkvm.local and by whatever DNS name a user gives it: no SNI check.
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector c = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
        c.setHost(settings.bindAddress());
        c.setPort(settings.httpsPort());
        return c;
    }

    private void installFilters(RoutesConfig app) {
        app.before(ctx -> {
            if (!ctx.req().isSecure()) {
                int https = port();
                String port = https == 443 ? "" : ":" + https;
                String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
                ctx.redirect("https://" + redirectHosts.pick(ctx.host()) + port + ctx.path() + query,
                        HttpStatus.MOVED_PERMANENTLY);
                ctx.skipRemainingHandlers();
                return;
            }
            SecurityHeaders.apply(ctx.res());
        });
        app.after(ctx -> {
            // Every change made through the API is on record: power, VMs, media, users, input.
            Principal p = ctx.attribute(AuthGate.PRINCIPAL);
            if (p != null && !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD")) {
                audit.record(p.user(), ctx.ip(), ctx.method().name(), ctx.path(), ctx.statusCode());
            }
        });
        ApiErrors.install(app, gate);
    }

    private Map<String, Object> healthReport() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "ok");
        out.put("version", WebServer.class.getPackage().getImplementationVersion() == null
                ? "dev" : WebServer.class.getPackage().getImplementationVersion());
        out.put("capabilities", health.snapshot());
        return out;
    }

    public void start() {
        new ConsoleAssets(gate).register(api);
        app = create();
        app.start();
        housekeeping.scheduleAtFixedRate(sessions::expire, 30, 30, TimeUnit.SECONDS);
        String host = settings.bindAddress().equals("0.0.0.0") || settings.bindAddress().equals("::")
                ? "127.0.0.1" : settings.bindAddress();
        Logger.info("Console at https://{}:{}/ (and this machine's other addresses; {} routes)", host, port(), api.routes().size());
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** The device's TLS certificate and key, for other TLS servers of the device (VNC's VeNCrypt). */
    public DeviceCertificate certificate() {
        return certificate;
    }

    public Api api() {
        return api;
    }

    public Health health() {
        return health;
    }

    public Accounts accounts() {
        return accounts;
    }

    public Sessions sessions() {
        return sessions;
    }

    public ApiTokens tokens() {
        return tokens;
    }

    public Audit audit() {
        return audit;
    }

    public Revocations revocations() {
        return revocations;
    }

    public AuthGate gate() {
        return gate;
    }

    public List<Route> routes() {
        return api.routes();
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        if (app != null) {
            app.stop();
        }
    }
}
