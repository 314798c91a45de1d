package org.passkvm.audio;

import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.passkvm.web.Json;
import org.tinylog.Logger;

/**
 * The console's microphone socket: binary messages are Opus packets (20 ms each) for the target's USB microphone.
 * The server answers with one {"type":"status"} text; a microphone that is off, without gadget, or already taken by
 * another console is closed at once (4003 unavailable, 4009 busy) with the reason.
 */
public final class MicSocket {

    /** An Opus packet is at most 1275 bytes; anything much larger is not one. */
    static final int MAX_PACKET = 4000;

    private final Microphone microphone;

    public MicSocket(Microphone microphone) {
        this.microphone = microphone;
    }

    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(Duration.ofMinutes(10));
            ctx.session.setMaxBinaryMessageSize(MAX_PACKET);
            Microphone.Status s = microphone.status();
            boolean available = !microphone.unavailable();
            boolean mine = available && microphone.begin(ctx.sessionId());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "status");
            m.put("state", mine ? microphone.status().state() : available ? "busy" : s.state());
            m.put("reason", mine ? microphone.status().reason() : available ? "another console is sending its microphone" : s.reason());
            send(ctx, m);
            if (!mine) {
                ctx.closeSession(available ? 4009 : 4003, String.valueOf(m.get("state")));
            }
        });
        ws.onBinaryMessage(ctx -> {
            java.nio.ByteBuffer data = ctx.data();
            byte[] packet = new byte[data.remaining()];
            data.get(packet);
            microphone.packet(ctx.sessionId(), packet);
        });
        ws.onClose(ctx -> microphone.end(ctx.sessionId()));
        ws.onError(ctx -> microphone.end(ctx.sessionId()));
    }

    private static void send(WsContext ctx, Map<String, Object> message) {
        try {
            ctx.session.sendText(Json.MAPPER.writeValueAsString(message), Callback.NOOP);
        } catch (Exception e) {
            Logger.debug(e, "microphone socket send failed");
        }
    }
}
