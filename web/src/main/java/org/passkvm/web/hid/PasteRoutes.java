package org.passkvm.web.hid;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.keymap.UntypableChar;
import org.passkvm.hid.paste.PasteProgress;
import org.passkvm.hid.paste.Typist;
import org.passkvm.hid.paste.UntypableTextException;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/**
 * Paste as keystrokes: POST /api/hid/paste starts a job, GET shows its progress, DELETE aborts it;
 * GET /api/hid/layouts lists the layouts a paste can type in, GET /api/hid/layouts/{name} what each key types there
 * (for the on-screen keyboard). One job at a time (409 while one types).
 */
public final class PasteRoutes implements WebModule {

    record PasteRequest(String text, String layout, Integer delayMs, Boolean skipUntypable) {}

    private final Typist typist;
    private final Layout defaultLayout;

    public PasteRoutes(Typist typist, Layout defaultLayout) {
        this.typist = typist;
        this.defaultLayout = defaultLayout;
    }

    @Override
    public void register(Api api) {
        api.get("/api/hid/layouts", Role.VIEWER, ctx -> ctx.json(layouts()));
        api.get("/api/hid/layouts/{name}", Role.VIEWER, ctx -> {
            Layout layout = Layout.find(ctx.pathParam("name")).orElseThrow(() ->
                    Refusal.notFound("unknown layout '" + ctx.pathParam("name") + "'"));
            ctx.json(Map.of("name", layout.name(), "title", layout.title(), "keys", layout.legend()));
        });
        api.get("/api/hid/paste", Role.VIEWER, ctx -> ctx.json(describe(typist.progress())));
        api.post("/api/hid/paste", Role.OPERATOR, this::start);
        api.delete("/api/hid/paste", Role.OPERATOR, ctx -> ctx.json(describe(typist.abort())));
    }

    private void start(Context ctx) {
        PasteRequest req = Json.read(ctx, PasteRequest.class);
        if (req.text() == null) {
            throw Refusal.invalid("text is required");
        }
        Layout layout = req.layout() == null ? defaultLayout : Layout.find(req.layout()).orElseThrow(() ->
                Refusal.invalid("unknown layout '" + req.layout() + "'; GET /api/hid/layouts lists them"));
        try {
            PasteProgress started = typist.start(req.text(), layout, req.delayMs(), Boolean.TRUE.equals(req.skipUntypable()));
            ctx.status(202).json(describe(started));
        } catch (Typist.BusyException e) {
            throw Refusal.conflict(e.getMessage());
        } catch (UntypableTextException e) {
            throw new Refusal(Refusal.Kind.UNPROCESSABLE, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
    }

    private Map<String, Object> layouts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("default", defaultLayout.name());
        m.put("defaultDelayMs", typist.settings().defaultDelayMs());
        m.put("minDelayMs", typist.settings().minDelayMs());
        m.put("maxDelayMs", typist.settings().maxDelayMs());
        m.put("maxChars", typist.settings().maxChars());
        m.put("layouts", Layout.all().stream().map(l -> Map.of(
                "name", l.name(), "title", l.title(), "aliases", l.aliases())).toList());
        return m;
    }

    static Map<String, Object> describe(PasteProgress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", p.state().name().toLowerCase());
        m.put("layout", p.layout());
        m.put("typed", p.typed());
        m.put("total", p.total());
        m.put("delayMs", p.delayMs());
        m.put("skipped", skipped(p.skipped()));
        if (p.error() != null) {
            m.put("error", p.error());
        }
        m.put("startedAt", p.startedAtMillis() == 0 ? null : java.time.Instant.ofEpochMilli(p.startedAtMillis()).toString());
        m.put("finishedAt", p.finishedAtMillis() == 0 ? null : java.time.Instant.ofEpochMilli(p.finishedAtMillis()).toString());
        return m;
    }

    private static List<Map<String, Object>> skipped(List<UntypableChar> chars) {
        return chars.stream().map(c -> Map.<String, Object>of("index", c.index(), "character", c.character(),
                "codePoint", String.format("U+%04X", c.codePoint()))).toList();
    }
}
