package org.passkvm.audio;

import org.passkvm.web.Api;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/** The audio status and the audio WebSocket, for viewers and up. */
public final class AudioRoutes implements WebModule {

    private final AudioStream stream;

    public AudioRoutes(AudioStream stream) {
        this.stream = stream;
    }

    @Override
    public void register(Api api) {
        api.get("/api/audio", Role.VIEWER, ctx -> ctx.json(stream.status()));
        api.ws("/api/audio/ws", Role.VIEWER, new AudioSocket(stream)::configure);
    }
}
