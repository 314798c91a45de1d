package org.passkvm.web.auth;

import java.time.Instant;

/** A logged-in browser. The CSRF token goes to the page once and must come back on every change. */
public final class Session {

    private final String id;
    private final String user;
    private final String csrfToken;
    private final Instant created;
    private volatile Instant lastSeen;

    Session(String id, String user, String csrfToken, Instant created) {
        this.id = id;
        this.user = user;
        this.csrfToken = csrfToken;
        this.created = created;
        this.lastSeen = created;
    }

    public String id() {
        return id;
    }

    public String user() {
        return user;
    }

    public String csrfToken() {
        return csrfToken;
    }

    public Instant created() {
        return created;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }
}
