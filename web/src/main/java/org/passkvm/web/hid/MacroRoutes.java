package org.passkvm.web.hid;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.macro.MacroRunner;
import org.passkvm.hid.macro.MacroScript;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.AuthGate;
import org.passkvm.web.auth.Principal;

/**
 * Macros, each user's own (operators): {@code GET /api/hid/macros}, {@code PUT|DELETE /api/hid/macros/{name}}
 * {@code {"script", "hotkey"}}, {@code POST /api/hid/macros/{name}/run} {@code {"layout", "delayMs"}} (202; 409 while
 * a macro or a paste runs), {@code GET|DELETE /api/hid/macros/run} (progress, abort).
 */
public final class MacroRoutes implements WebModule {

    record Save(String script, Integer hotkey) {}

    record Run(String layout, Integer delayMs) {}

    private final MacroStore store;
    private final MacroRunner runner;
    private final Layout defaultLayout;

    public MacroRoutes(MacroStore store, MacroRunner runner, Layout defaultLayout) {
        this.store = store;
        this.runner = runner;
        this.defaultLayout = defaultLayout;
    }

    @Override
    public void register(Api api) {
        api.get("/api/hid/macros", Role.OPERATOR, ctx -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("macros", store.list(user(ctx)));
            out.put("run", runner.progress());
            ctx.json(out);
        });
        api.get("/api/hid/macros/run", Role.OPERATOR, ctx -> ctx.json(runner.progress()));
        api.delete("/api/hid/macros/run", Role.OPERATOR, ctx -> ctx.json(runner.abort()));
        api.put("/api/hid/macros/{name}", Role.OPERATOR, this::save);
        api.delete("/api/hid/macros/{name}", Role.OPERATOR, ctx -> {
            if (!store.delete(user(ctx), ctx.pathParam("name"))) {
                throw Refusal.notFound("no macro '" + ctx.pathParam("name") + "'");
            }
            ctx.json(Map.of("deleted", ctx.pathParam("name")));
        });
        api.post("/api/hid/macros/{name}/run", Role.OPERATOR, this::run);
    }

    private static String user(Context ctx) {
        Principal p = ctx.attribute(AuthGate.PRINCIPAL);
        return p.user();
    }

    private void save(Context ctx) {
        Save s = Json.read(ctx, Save.class);
        try {
            ctx.json(store.put(user(ctx), new MacroStore.Macro(ctx.pathParam("name"), s.script(), s.hotkey() == null ? 0 : s.hotkey())));
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
    }

    private void run(Context ctx) {
        String name = ctx.pathParam("name");
        MacroStore.Macro m = store.get(user(ctx), name).orElseThrow(() -> Refusal.notFound("no macro '" + name + "'"));
        Run r = ctx.body().isBlank() ? new Run(null, null) : Json.read(ctx, Run.class);
        Layout layout = r.layout() == null ? defaultLayout
                : Layout.find(r.layout()).orElseThrow(() -> Refusal.invalid("unknown layout '" + r.layout() + "'"));
        try {
            ctx.status(202).json(runner.start(name, MacroScript.parse(m.script()), layout, r.delayMs()));
        } catch (MacroRunner.BusyException e) {
            throw Refusal.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
    }
}
