package org.passkvm.vnc;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/**
 * {@code GET /novnc/<file>}: a noVNC installed on the device (Debian's {@code novnc} package, or any noVNC unpacked
 * into {@code vnc.novnc_dir}), served from PassKVM's own origin to logged-in users. The origin matters: the VNC
 * WebSocket, like every PassKVM socket, only takes upgrades from pages of its own origin with the login's cookie.
 * PassKVM ships no noVNC of its own.
 */
public final class NoVncFiles implements WebModule {

    private static final Map<String, String> TYPES = Map.ofEntries(Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("json", "application/json"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("ogg", "audio/ogg"), Map.entry("mp3", "audio/mpeg"));

    private final Path root;

    public NoVncFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void register(Api api) {
        api.get("/novnc/<file>", Role.VIEWER, this::serve);
    }

    private void serve(Context ctx) throws IOException {
        Path file = resolve(ctx.pathParam("file"));
        String name = file.getFileName().toString();
        String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT),
                "application/octet-stream");
        ctx.contentType(type);
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(ctx.outputStream());
        }
    }

    /** The file under the noVNC directory, its real path inside it (no "..", no symlink out of it), or 404. */
    Path resolve(String relative) throws IOException {
        if (!Files.isDirectory(root)) {
            throw Refusal.notFound("noVNC is not installed: no directory " + root
                    + " (install Debian's novnc package or set vnc.novnc_dir)");
        }
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file) || !file.toRealPath().startsWith(root.toRealPath())) {
            throw Refusal.notFound("no noVNC file /novnc/" + relative);
        }
        return file;
    }
}
