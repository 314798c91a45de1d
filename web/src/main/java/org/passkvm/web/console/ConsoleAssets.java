package org.passkvm.web.console;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.passkvm.web.Api;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.AuthGate;

/**
 * Serves the console's pages and scripts from the jar ({@code /console/} on the classpath),
 * through the same gate as the API: only the login page and the files it needs are public.
 * Any file dropped into the folder is served under {@code /assets/}, so a panel is one file.
 */
public final class ConsoleAssets implements WebModule {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    private static final Set<String> PUBLIC_ASSETS = Set.of("login.js", "api.js", "style.css", "favicon.svg");

    private final AuthGate gate;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public ConsoleAssets(AuthGate gate) {
        this.gate = gate;
    }

    @Override
    public void register(Api api) {
        api.get("/login", Role.PUBLIC, ctx -> send(ctx, "login.html"));
        api.get("/", Role.VIEWER, ctx -> send(ctx, "index.html"));
        // Public so the login page can load its script and style; everything else is checked here.
        api.get("/assets/{name}", Role.PUBLIC, ctx -> {
            String name = ctx.pathParam("name");
            if (!PUBLIC_ASSETS.contains(name)) {
                gate.check(ctx, Role.VIEWER, false);
            }
            send(ctx, name);
        });
    }

    private void send(Context ctx, String name) {
        if (!name.matches("[a-z0-9][a-z0-9._-]*\\.[a-z]+")) {
            throw Refusal.notFound("no such file");
        }
        byte[] content = cache.computeIfAbsent(name, ConsoleAssets::load);
        if (content.length == 0) {
            throw Refusal.notFound("no such file: " + name);
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream")).result(content);
    }

    private static byte[] load(String file) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + file)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
