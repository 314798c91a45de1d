package org.passkvm.web.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/**
 * Serves the console's pages and scripts from the jar, through the same gate as the API: only
 * the login page and what it needs are public.
 */
public final class ConsoleAssets implements WebModule {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    @Override
    public void register(Api api) {
        serve(api, "/login", "login.html", Role.PUBLIC);
        serve(api, "/assets/login.js", "login.js", Role.PUBLIC);
        serve(api, "/assets/style.css", "style.css", Role.PUBLIC);
        serve(api, "/", "index.html", Role.VIEWER);
        serve(api, "/assets/console.js", "console.js", Role.VIEWER);
        serve(api, "/assets/api.js", "api.js", Role.PUBLIC);
    }

    private static void serve(Api api, String path, String file, Role role) {
        byte[] content = load(file);
        String ext = file.substring(file.lastIndexOf('.') + 1);
        String type = TYPES.getOrDefault(ext, "application/octet-stream");
        api.get(path, role, ctx -> ctx.contentType(type).result(content));
    }

    private static byte[] load(String file) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + file)) {
            if (in == null) {
                throw new IllegalStateException("console asset missing from the jar: " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
