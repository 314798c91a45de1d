package org.passkvm.web;

import java.util.regex.Pattern;

/** A registered route, as the route-enumeration test and the audit see it. */
public record Route(String method, String path, Role role) {

    public boolean isWebSocket() {
        return method.equals("WS");
    }

    public boolean changesState() {
        return !method.equals("GET") && !method.equals("HEAD");
    }

    /** Whether a request path falls on this route: {@code {name}} matches one segment, {@code <name>} the rest. */
    public boolean matches(String requestPath) {
        String regex = Pattern.quote(path).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q")
                .replaceAll("<[^>/]+>", "\\\\E.+\\\\Q");
        return Pattern.matches(regex, requestPath);
    }
}
