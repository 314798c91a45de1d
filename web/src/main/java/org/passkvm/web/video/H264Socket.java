package org.passkvm.web.video;

import io.javalin.websocket.WsConfig;

/** Placeholder for the H.264 WebSocket, filled in by the next step. */
public final class H264Socket {
    void configure(WsConfig ws) {
    }
}
