package org.passkvm.web.video;

import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Callback;
import org.passkvm.video.stream.EncodedFrame;
import org.passkvm.video.stream.H264Client;
import org.passkvm.video.stream.H264Stream;
import org.passkvm.web.Json;
import org.tinylog.Logger;

/**
 * The console's H.264 WebSocket. Text message {"type":"config","codec","width","height"} before
 * the first keyframe and whenever the stream changes; then one binary message per access unit
 * (see {@link H264Stream#HEADER_BYTES}). Sends are asynchronous, one at a time per client, from
 * the client's small queue; the console may send "keyframe" after a decoder error.
 */
public final class H264Socket {

    private final H264Stream stream;
    private final Map<WsContext, Connection> connections = new ConcurrentHashMap<>();

    public H264Socket(H264Stream stream) {
        this.stream = stream;
    }

    /** One console connection: what it was last configured for, so it is told about changes. */
    private final class Connection implements H264Client.Sink {
        private final WsContext ctx;
        private H264Client client;
        private String codec;
        private int width;
        private int height;

        Connection(WsContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void send(EncodedFrame frame, String codecString, H264Client owner) {
            if (!ctx.session.isOpen()) {
                owner.sent(frame);
                return;
            }
            try {
                if (frame.keyframe() && codecString != null && (!codecString.equals(codec)
                        || frame.width() != width || frame.height() != height)) {
                    codec = codecString;
                    width = frame.width();
                    height = frame.height();
                    ctx.session.sendText(Json.MAPPER.writeValueAsString(Map.of(
                            "type", "config", "codec", codec, "width", width, "height", height)), Callback.NOOP);
                }
                ctx.session.sendBinary(ByteBuffer.wrap(frame.data(), 0, frame.length()),
                        Callback.from(() -> owner.sent(frame), x -> owner.sent(frame)));
            } catch (Exception e) {
                Logger.debug(e, "H.264 send failed");
                owner.sent(frame);
            }
        }
    }

    void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(Duration.ofMinutes(10));
            Connection c = new Connection(ctx);
            connections.put(ctx, c);
            c.client = stream.subscribe(c);
        });
        ws.onMessage(ctx -> {
            Connection c = connections.get(ctx);
            if (c != null && ctx.message().contains("keyframe")) {
                c.codec = null; // resend the configuration with the keyframe
                stream.requestKeyframe();
            }
        });
        ws.onClose(this::leave);
        ws.onError(this::leave);
    }

    private void leave(WsContext ctx) {
        Connection c = connections.remove(ctx);
        if (c != null && c.client != null) {
            stream.unsubscribe(c.client);
        }
    }

    public int clients() {
        return connections.size();
    }
}
