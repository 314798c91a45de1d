package org.passkvm.web;

/** A registered route, as the route-enumeration test and the audit see it. */
public record Route(String method, String path, Role role) {

    public boolean isWebSocket() {
        return method.equals("WS");
    }

    public boolean changesState() {
        return !method.equals("GET") && !method.equals("HEAD");
    }
}
