package org.passkvm.media;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import org.passkvm.hid.storage.DriveMode;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/** The virtual-media API: the image store under /api/media/images, the drive under /api/media. */
public final class MediaRoutes implements WebModule {

    /** {@code POST /api/media/mount}; readOnly defaults to true, force (eject a locked medium first) to false. */
    public record MountRequest(String image, String mode, Boolean readOnly, Boolean force) {
    }

    public record EjectRequest(Boolean force) {
    }

    public record FetchRequest(String url, Boolean insecure) {
    }

    private final VirtualMedia media;
    private final ImageFetcher fetcher;

    MediaRoutes(VirtualMedia media, ImageFetcher fetcher) {
        this.media = media;
        this.fetcher = fetcher;
    }

    @Override
    public void register(Api api) {
        api.get("/api/media", Role.VIEWER, ctx -> ctx.json(media.state()));
        api.get("/api/media/images", Role.VIEWER, ctx -> ctx.json(media.images()));
        api.get("/api/media/images/{name}", Role.VIEWER,
            ctx -> ctx.json(media.withCdromFlag(media.store().info(name(ctx)))));
        api.upload("/api/media/images/{name}", Role.OPERATOR, this::upload);
        api.post("/api/media/images/{name}/fetch", Role.OPERATOR, ctx -> {
            FetchRequest r = Json.read(ctx, FetchRequest.class);
            Transfer t = fetcher.start(name(ctx), r.url(), Boolean.TRUE.equals(r.insecure()));
            ctx.status(202).json(Map.of("name", t.name().value(), "state", "fetching", "source", t.source()));
        });
        api.delete("/api/media/images/{name}", Role.OPERATOR, ctx -> {
            media.store().delete(name(ctx));
            ctx.status(204);
        });
        api.post("/api/media/mount", Role.OPERATOR, ctx -> {
            MountRequest r = Json.read(ctx, MountRequest.class);
            if (r.image() == null) {
                throw Refusal.invalid("image is required");
            }
            ctx.json(media.mount(new ImageName(r.image()), mode(r.mode()), !Boolean.FALSE.equals(r.readOnly()),
                Boolean.TRUE.equals(r.force())));
        });
        api.post("/api/media/eject", Role.OPERATOR, ctx -> {
            boolean force = ctx.body().isBlank() ? false : Boolean.TRUE.equals(Json.read(ctx, EjectRequest.class).force());
            ctx.json(media.eject(force));
        });
    }

    /**
     * Streams the body to disk. The server's maxRequestSize only limits bodies read whole (ctx.body()); the servlet
     * input stream read here is not limited by it, and nothing of it is kept in memory beyond one buffer.
     */
    private void upload(Context ctx) throws IOException {
        ImageName name = name(ctx);
        long length = ctx.req().getContentLengthLong();
        Transfer t = media.store().begin(name, Transfer.Kind.UPLOAD, length, "upload");
        ImageInfo stored;
        try (InputStream body = ctx.req().getInputStream()) {
            t.onCancel(body);
            stored = media.store().receive(t, body);
        } finally {
            media.store().abandon(t);
        }
        ctx.status(201).json(media.withCdromFlag(stored));
    }

    private static ImageName name(Context ctx) {
        return new ImageName(ctx.pathParam("name"));
    }

    private static DriveMode mode(String mode) {
        if (mode == null) {
            throw Refusal.invalid("mode is required: cdrom or flash");
        }
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "cdrom", "cd" -> DriveMode.CDROM;
            case "flash", "usb", "disk" -> DriveMode.FLASH;
            default -> throw Refusal.invalid("mode must be cdrom or flash, got '" + mode + "'");
        };
    }
}
