package org.passkvm.web.auth;

import org.passkvm.web.Role;

/**
 * Who made this request and how they proved it.
 *
 * @param session the browser session, or null for Basic and Bearer callers
 */
public record Principal(String user, Role role, Via via, Session session) {

    public enum Via { SESSION, BASIC, TOKEN }
}
