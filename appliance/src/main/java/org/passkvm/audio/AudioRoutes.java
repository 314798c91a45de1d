package org.passkvm.audio;

import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;

/** The audio status and the sound socket for viewers and up; the microphone socket for operators and up. */
public final class AudioRoutes implements WebModule {

    private final AudioStream stream;
    private final Microphone microphone;

    public AudioRoutes(AudioStream stream, Microphone microphone) {
        this.stream = stream;
        this.microphone = microphone;
    }

    @Override
    public void register(Api api) {
        api.get("/api/audio", Role.VIEWER, ctx -> ctx.json(status()));
        api.ws("/api/audio/ws", Role.VIEWER, new AudioSocket(stream)::configure);
        // Speaking into the target is input, like typing: operators and up.
        api.ws("/api/audio/mic", Role.OPERATOR, new MicSocket(microphone)::configure);
    }

    /** {@code /api/audio}: the sound's status as before, with the microphone's beside it. */
    private Map<String, Object> status() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new LinkedHashMap<>(Json.MAPPER.convertValue(stream.status(), Map.class));
        m.put("microphone", microphone.status());
        return m;
    }
}
