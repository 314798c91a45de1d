package org.passkvm.web;

/** Who may call a route. Each role includes the ones before it: an admin may do what an operator may. */
public enum Role {
    /** No login: only the health check and the login itself. */
    PUBLIC,
    /** Sees the video. */
    VIEWER,
    /** Uses the console: keyboard, mouse, media, power, VMs. */
    OPERATOR,
    /** Everything, including users and settings. */
    ADMIN;

    public boolean allows(Role required) {
        return ordinal() >= required.ordinal();
    }
}
