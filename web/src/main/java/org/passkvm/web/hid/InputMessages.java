package org.passkvm.web.hid;

import org.passkvm.hid.HidInput;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;

/** Decodes the input socket's rare text messages: {"type":"mouseMode","mode":"relative"} and {"type":"ping","t":…}. */
final class InputMessages {

    record TextMessage(String type, String mode, Double t) {}

    private InputMessages() {}

    /** Throws a RuntimeException with a message for the client on bad input. */
    static InputEvent decode(String text) {
        TextMessage msg = Json.read(text, TextMessage.class);
        return switch (String.valueOf(msg.type())) {
            case "mouseMode" -> new InputEvent.SetMouseMode(mouseMode(msg.mode()));
            case "ping" -> new InputEvent.Ping(msg.t());
            default -> throw new IllegalArgumentException("unknown message type '" + msg.type() + "'");
        };
    }

    /** "absolute" or "relative", as the socket and the REST API name them. */
    static HidInput.MouseMode mouseMode(String mode) {
        if ("absolute".equals(mode)) {
            return HidInput.MouseMode.ABSOLUTE;
        }
        if ("relative".equals(mode)) {
            return HidInput.MouseMode.RELATIVE;
        }
        throw Refusal.invalid("mode must be absolute or relative, got '" + mode + "'");
    }
}
