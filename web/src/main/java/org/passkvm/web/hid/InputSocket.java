package org.passkvm.web.hid;

import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.tinylog.Logger;

/**
 * The console's input WebSocket, {@code /api/hid/ws}: input frames and messages in, status and LED changes out. No
 * key stays stuck: everything is released when a console disconnects, when its session ends, and when a console
 * holding keys goes silent for longer than the link timeout (a "bad link", e.g. a laptop lid closed mid-keypress).
 * Closing it stops that watchdog.
 */
public final class InputSocket implements WebModule, AutoCloseable {

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
    public InputSocket(HidInput input) {
        this.input = input;
        input.output().onLeds(leds -> broadcast(ledMessage(leds)));
        watchdog.scheduleAtFixedRate(this::releaseSilentLinks, 500, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    public void register(Api api) {
        api.ws("/api/hid/ws", Role.OPERATOR, this::configure);
    }

    private void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(Duration.ofMinutes(10));
            consoles.add(ctx);
            lastFrame.put(ctx, System.currentTimeMillis());
            ctx.send(Json.MAPPER.writeValueAsString(statusMessage()));
        });
        ws.onBinaryMessage(ctx -> {
            lastFrame.put(ctx, System.currentTimeMillis());
            try {
                InputApplier.apply(InputFrames.decode(ctx.data().slice()), input);
            } catch (IllegalArgumentException e) {
                sendError(ctx, e.getMessage());
            }
        });
        ws.onMessage(ctx -> {
            lastFrame.put(ctx, System.currentTimeMillis());
            try {
                InputEvent event = InputMessages.decode(ctx.message());
                if (event instanceof InputEvent.Ping ping) {
                    ctx.send(Json.MAPPER.writeValueAsString(Map.of("type", "pong", "t", ping.t() == null ? 0 : ping.t())));
                } else {
                    InputApplier.apply(event, input);
                }
            } catch (RuntimeException e) {
                sendError(ctx, String.valueOf(e.getMessage()));
            }
        });
        ws.onClose(this::disconnected);
        ws.onError(this::disconnected);
    }

    private static void sendError(WsContext ctx, String message) throws com.fasterxml.jackson.core.JsonProcessingException {
        ctx.send(Json.MAPPER.writeValueAsString(Map.of("type", "error", "message", message)));
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

    private Map<String, Object> statusMessage() {
        Map<String, Object> m = new LinkedHashMap<>(HidRoutes.status(input));
        m.put("type", "status");
        return m;
    }

    private static Map<String, Object> ledMessage(KeyboardLeds l) {
        return Map.of("type", "leds", "leds", HidRoutes.leds(l));
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

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
