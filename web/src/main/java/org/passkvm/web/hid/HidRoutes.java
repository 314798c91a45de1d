package org.passkvm.web.hid;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.keymap.KeyCodes;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/** The HID REST API: status, keys and shortcuts, release everything, mouse mode. The console types through {@link InputSocket}. */
public final class HidRoutes implements WebModule {

    record KeyRequest(String code, String state) {}

    record ShortcutRequest(List<String> keys) {}

    record MouseModeRequest(String mode) {}

    private final HidInput input;

    public HidRoutes(HidInput input) {
        this.input = input;
    }

    @Override
    public void register(Api api) {
        api.get("/api/hid", Role.VIEWER, ctx -> ctx.json(status(input)));
        api.post("/api/hid/key", Role.OPERATOR, this::key);
        api.post("/api/hid/shortcut", Role.OPERATOR, this::shortcut);
        api.post("/api/hid/reset", Role.OPERATOR, ctx -> {
            input.releaseAll();
            ctx.json(status(input));
        });
        api.post("/api/hid/mouse", Role.OPERATOR, this::mouseMode);
    }

    private void key(Context ctx) {
        KeyRequest req = Json.read(ctx, KeyRequest.class);
        int usage = usageOf(req.code());
        String state = req.state() == null ? "tap" : req.state();
        switch (state) {
            case "down" -> input.keyDown(usage);
            case "up" -> input.keyUp(usage);
            case "tap" -> input.tap(usage);
            default -> throw Refusal.invalid("state must be down, up or tap, got '" + state + "'");
        }
        ctx.json(status(input));
    }

    private void shortcut(Context ctx) {
        ShortcutRequest req = Json.read(ctx, ShortcutRequest.class);
        if (req.keys() == null || req.keys().isEmpty() || req.keys().size() > 8) {
            throw Refusal.invalid("keys must list 1 to 8 key codes, e.g. [\"ControlLeft\",\"AltLeft\",\"Delete\"]");
        }
        input.tap(req.keys().stream().mapToInt(HidRoutes::usageOf).toArray());
        ctx.json(status(input));
    }

    private void mouseMode(Context ctx) {
        input.setMouseMode(InputMessages.mouseMode(Json.read(ctx, MouseModeRequest.class).mode()));
        ctx.json(status(input));
    }

    static int usageOf(String code) {
        if (code == null) {
            throw Refusal.invalid("code is required, e.g. \"KeyA\"");
        }
        return KeyCodes.usage(code).orElseThrow(() -> Refusal.invalid("unknown key code '" + code + "'"));
    }

    /** What GET /api/hid answers, and the input socket's first message. */
    static Map<String, Object> status(HidInput input) {
        HidStatus s = input.output().status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", input.output().kind());
        m.put("hostState", s.hostState());
        m.put("keyboardOnline", s.keyboardOnline());
        m.put("mouseOnline", s.mouseOnline());
        m.put("mouseMode", input.mouseMode().name().toLowerCase());
        m.put("leds", leds(s.leds()));
        return m;
    }

    static Map<String, Object> leds(KeyboardLeds l) {
        return Map.of("numLock", l.numLock(), "capsLock", l.capsLock(), "scrollLock", l.scrollLock());
    }
}
