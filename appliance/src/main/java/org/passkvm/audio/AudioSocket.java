package org.passkvm.audio;

import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import com.fasterxml.jackson.databind.JsonNode;
import org.passkvm.web.Json;
import org.tinylog.Logger;

/**
 * The console's audio WebSocket. Text: {"type":"config"} once (codec, rate, channels), {"type":"status"} on every
 * change (state "no_audio" with a reason while the device is missing), and {"type":"pong"} answering the console's
 * {"type":"ping","t":…} with the server's wall clock and its monotonic clock (µs), so the console can put the sound's
 * and the picture's capture times on its own clock. Binary: one
 * {@link AudioStream} packet each. A console that has {@link #MAX_IN_FLIGHT} packets unsent loses the next ones
 * instead of queueing: late sound is worse than a gap.
 */
public final class AudioSocket {

    static final int MAX_IN_FLIGHT = 10; // 200 ms

    private final AudioStream stream;
    private final Map<WsContext, Connection> connections = new ConcurrentHashMap<>();

    public AudioSocket(AudioStream stream) {
        this.stream = stream;
    }

    private static final class Connection implements AudioStream.Listener {
        private final WsContext ctx;
        private final AtomicInteger inFlight = new AtomicInteger();

        Connection(WsContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void packet(byte[] packet) {
            if (!ctx.session.isOpen() || inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
                inFlight.decrementAndGet();
                return;
            }
            ctx.session.sendBinary(ByteBuffer.wrap(packet), Callback.from(inFlight::decrementAndGet, x -> inFlight.decrementAndGet()));
        }

        @Override
        public void status(AudioStream.Status status) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "status");
            m.put("source", status.source());
            m.put("state", status.state());
            m.put("reason", status.reason());
            text(m);
        }

        void text(Map<String, Object> message) {
            if (!ctx.session.isOpen()) {
                return;
            }
            try {
                ctx.session.sendText(Json.MAPPER.writeValueAsString(message), Callback.NOOP);
            } catch (Exception e) {
                Logger.debug(e, "audio socket send failed");
            }
        }
    }

    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(Duration.ofMinutes(10));
            Connection c = new Connection(ctx);
            connections.put(ctx, c);
            c.text(Map.of("type", "config", "codec", "opus", "sampleRate", AudioSource.RATE, "channels", AudioSource.CHANNELS,
                    "headerBytes", AudioStream.HEADER_BYTES));
            stream.subscribe(c);
        });
        ws.onMessage(ctx -> {
            Connection c = connections.get(ctx);
            if (c == null) {
                return;
            }
            JsonNode msg;
            try {
                msg = Json.MAPPER.readTree(ctx.message());
            } catch (Exception e) {
                c.text(Map.of("type", "error", "message", "not JSON"));
                return;
            }
            if ("ping".equals(msg.path("type").asText())) {
                // Both server clocks, read together: sound carries wall-clock capture times, pictures monotonic ones
                // (System.nanoTime), and the console needs both on its own clock to play them in step.
                c.text(Map.of("type", "pong", "t", msg.path("t").asDouble(), "server", AudioStream.micros(Instant.now()),
                        "monotonic", System.nanoTime() / 1000));
            }
        });
        ws.onClose(this::leave);
        ws.onError(this::leave);
    }

    private void leave(WsContext ctx) {
        Connection c = connections.remove(ctx);
        if (c != null) {
            stream.unsubscribe(c);
        }
    }

    public int clients() {
        return connections.size();
    }
}
