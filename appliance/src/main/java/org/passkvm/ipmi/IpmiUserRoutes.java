package org.passkvm.ipmi;

import org.passkvm.web.Json;
import org.passkvm.web.Role;
import org.passkvm.web.auth.CredentialRoutes;

/**
 * Turns IPMI on or off for a user: {@code GET/POST/DELETE /api/ipmi/credentials[?user=NAME]} for operators and
 * admins. A POST may choose the password ({@code {"password": "…"}}); without one it is generated. Shown once.
 */
public final class IpmiUserRoutes {

    /** @param password null to have one generated */
    record Enable(String password) {}

    private IpmiUserRoutes() {}

    public static CredentialRoutes of(IpmiUsers users, int port) {
        CredentialRoutes.Store store = new CredentialRoutes.Store(users::enabled, (user, body) -> {
            Enable e = body.isBlank() ? new Enable(null) : Json.read(body, Enable.class);
            return users.enable(user, e.password());
        }, users::disable);
        return new CredentialRoutes("/api/ipmi/credentials", "IPMI", Role.OPERATOR, port, store, (user, password) ->
                "ipmitool -I lanplus -H <address> -p " + port + " -U " + user + " -P '" + password + "' chassis power status");
    }
}
