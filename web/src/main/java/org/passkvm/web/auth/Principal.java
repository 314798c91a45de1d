package org.passkvm.web.auth;

import org.passkvm.web.Role;

/**
 * Who made this request and how they proved it.
 *
 * @param session the browser session, or null for Basic and Bearer callers
 * @param tokenId the API token's or Redfish session's id for Bearer and X-Auth-Token callers, else null: what a
 *                revocation of that one token closes
 */
public record Principal(String user, Role role, Via via, Session session, String tokenId) {

    public enum Via { SESSION, BASIC, TOKEN }

    public static Principal ofSession(User user, Session session) {
        return new Principal(user.name(), user.role(), Via.SESSION, session, null);
    }

    public static Principal ofBasic(User user) {
        return new Principal(user.name(), user.role(), Via.BASIC, null, null);
    }

    public static Principal ofToken(User user, String tokenId) {
        return new Principal(user.name(), user.role(), Via.TOKEN, null, tokenId);
    }
}
