package org.passkvm.web.hid;

import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.keymap.KeyCodes;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.tinylog.Logger;

/**
 * The input WebSocket and the HID REST API. No key stays stuck: everything is released when a
 * console disconnects, when its session ends, and when a console holding keys goes silent for
 * longer than the link timeout (a "bad link", e.g. a laptop lid closed mid-keypress).
 */
public final class HidRoutes implements WebModule {

    record KeyRequest(String code, String state) {}

    record ShortcutRequest(List<String> keys) {}

    record MouseModeRequest(String mode) {}

    /** The input socket's rare text messages: {"type":"mouseMode","mode":"relative"} and {"type":"ping","t":…}. */
    record TextMessage(String type, String mode, Double t) {}

    private static final long LINK_TIMEOUT_MS = 3000;

    private final HidInput input;
    private final Map<WsContext, Long> lastFrame = new ConcurrentHashMap<>();
    private final Set<WsContext> consoles = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hid-link-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Sockets of a session that ends, or of a user whose access is revoked, are closed by {@link Api#ws}. */
    public HidRoutes(HidInput input) {
        this.input = input;
        input.output().onLeds(leds -> broadcast(ledMessage(leds)));
        watchdog.scheduleAtFixedRate(this::releaseSilentLinks, 500, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    public void register(Api api) {
        api.get("/api/hid", Role.VIEWER, ctx -> ctx.json(status()));
        api.post("/api/hid/key", Role.OPERATOR, this::key);
        api.post("/api/hid/shortcut", Role.OPERATOR, this::shortcut);
        api.post("/api/hid/reset", Role.OPERATOR, ctx -> {
            input.releaseAll();
            ctx.json(status());
        });
        api.post("/api/hid/mouse", Role.OPERATOR, this::mouseMode);
        api.ws("/api/hid/ws", Role.OPERATOR, ws -> {
            ws.onConnect(ctx -> {
                ctx.session.setIdleTimeout(java.time.Duration.ofMinutes(10));
                consoles.add(ctx);
                lastFrame.put(ctx, System.currentTimeMillis());
                ctx.send(Json.MAPPER.writeValueAsString(statusMessage()));
            });
            ws.onBinaryMessage(ctx -> {
                lastFrame.put(ctx, System.currentTimeMillis());
                try {
                    InputFrames.apply(ctx.data().slice(), input);
                } catch (IllegalArgumentException e) {
                    ctx.send(Json.MAPPER.writeValueAsString(Map.of("type", "error", "message", e.getMessage())));
                }
            });
            ws.onMessage(ctx -> {
                lastFrame.put(ctx, System.currentTimeMillis());
                try {
                    TextMessage msg = Json.read(ctx.message(), TextMessage.class);
                    switch (String.valueOf(msg.type())) {
                        case "mouseMode" -> input.setMouseMode(parseMode(msg.mode()));
                        case "ping" -> ctx.send(Json.MAPPER.writeValueAsString(Map.of("type", "pong", "t", msg.t() == null ? 0 : msg.t())));
                        default -> throw new IllegalArgumentException("unknown message type '" + msg.type() + "'");
                    }
                } catch (RuntimeException e) {
                    ctx.send(Json.MAPPER.writeValueAsString(Map.of("type", "error", "message", String.valueOf(e.getMessage()))));
                }
            });
            ws.onClose(ctx -> disconnected(ctx));
            ws.onError(ctx -> disconnected(ctx));
        });
    }

    private void disconnected(WsContext ctx) {
        consoles.remove(ctx);
        lastFrame.remove(ctx);
        input.releaseAll();
    }

    private void releaseSilentLinks() {
        long now = System.currentTimeMillis();
        for (Map.Entry<WsContext, Long> e : lastFrame.entrySet()) {
            if (now - e.getValue() > LINK_TIMEOUT_MS && input.anyKeyDown()) {
                Logger.warn("Console silent for {} ms with keys held: releasing all", now - e.getValue());
                input.releaseAll();
                e.setValue(now);
            }
        }
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
        ctx.json(status());
    }

    private void shortcut(Context ctx) {
        ShortcutRequest req = Json.read(ctx, ShortcutRequest.class);
        if (req.keys() == null || req.keys().isEmpty() || req.keys().size() > 8) {
            throw Refusal.invalid("keys must list 1 to 8 key codes, e.g. [\"ControlLeft\",\"AltLeft\",\"Delete\"]");
        }
        input.tap(req.keys().stream().mapToInt(HidRoutes::usageOf).toArray());
        ctx.json(status());
    }

    private void mouseMode(Context ctx) {
        input.setMouseMode(parseMode(Json.read(ctx, MouseModeRequest.class).mode()));
        ctx.json(status());
    }

    private static HidInput.MouseMode parseMode(String mode) {
        if ("absolute".equals(mode)) {
            return HidInput.MouseMode.ABSOLUTE;
        }
        if ("relative".equals(mode)) {
            return HidInput.MouseMode.RELATIVE;
        }
        throw Refusal.invalid("mode must be absolute or relative, got '" + mode + "'");
    }

    static int usageOf(String code) {
        if (code == null) {
            throw Refusal.invalid("code is required, e.g. \"KeyA\"");
        }
        return KeyCodes.usage(code).orElseThrow(() -> Refusal.invalid("unknown key code '" + code + "'"));
    }

    public Map<String, Object> status() {
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

    private Map<String, Object> statusMessage() {
        Map<String, Object> m = new LinkedHashMap<>(status());
        m.put("type", "status");
        return m;
    }

    private static Map<String, Object> leds(KeyboardLeds l) {
        return Map.of("numLock", l.numLock(), "capsLock", l.capsLock(), "scrollLock", l.scrollLock());
    }

    private static Map<String, Object> ledMessage(KeyboardLeds l) {
        return Map.of("type", "leds", "leds", leds(l));
    }

    private void broadcast(Object message) {
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(message);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return;
        }
        consoles.forEach(c -> {
            if (c.session.isOpen()) {
                c.send(text);
            }
        });
    }
}
