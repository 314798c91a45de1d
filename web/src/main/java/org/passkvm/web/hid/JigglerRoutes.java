package org.passkvm.web.hid;

import io.javalin.http.Context;
import org.passkvm.hid.jiggle.Jiggler;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/**
 * The mouse jiggler: {@code GET /api/hid/jiggler} (anyone logged in; the status bar shows it while on) and
 * {@code PUT /api/hid/jiggler} {@code {"enabled": true, "intervalSeconds": 60}} (operators; audited as every change).
 */
public final class JigglerRoutes implements WebModule {

    record Change(Boolean enabled, Integer intervalSeconds) {}

    private final Jiggler jiggler;

    public JigglerRoutes(Jiggler jiggler) {
        this.jiggler = jiggler;
    }

    @Override
    public void register(Api api) {
        api.get("/api/hid/jiggler", Role.VIEWER, ctx -> ctx.json(jiggler.state()));
        api.put("/api/hid/jiggler", Role.OPERATOR, this::change);
    }

    private void change(Context ctx) {
        Change c = Json.read(ctx, Change.class);
        Jiggler.State now = jiggler.state();
        try {
            ctx.json(jiggler.set(c.enabled() == null ? now.enabled() : c.enabled(),
                    c.intervalSeconds() == null ? now.intervalSeconds() : c.intervalSeconds()));
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
    }
}
