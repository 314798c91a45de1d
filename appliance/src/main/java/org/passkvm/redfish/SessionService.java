package org.passkvm.redfish;

import static org.passkvm.redfish.Odata.header;
import static org.passkvm.redfish.Odata.link;
import static org.passkvm.redfish.RedfishPaths.SESSIONS;
import static org.passkvm.redfish.RedfishPaths.SESSION_SERVICE;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Map;
import org.passkvm.web.Role;
import org.passkvm.web.auth.Principal;

/** The SessionService and its Sessions: log in for an X-Auth-Token, list, look at and end sessions. */
final class SessionService {

    private final RedfishSessions sessions;
    private final RedfishAuth auth;

    SessionService(RedfishSessions sessions, RedfishAuth auth) {
        this.sessions = sessions;
        this.auth = auth;
    }

    Map<String, Object> service() {
        Map<String, Object> m = header(SESSION_SERVICE, "#SessionService.v1_1_8.SessionService", "SessionService.SessionService");
        m.put("Id", "SessionService");
        m.put("Name", "Session Service");
        m.put("ServiceEnabled", true);
        m.put("SessionTimeout", sessions.idleTimeout().toSeconds());
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        m.put("Sessions", link(SESSIONS));
        return m;
    }

    Map<String, Object> collection(Principal caller) {
        return Odata.collection(SESSIONS, "SessionCollection", "Session Collection",
                sessions.all().stream().filter(s -> visible(caller, s)).map(s -> SESSIONS + "/" + s.id).toList());
    }

    Map<String, Object> session(Context ctx, Principal caller) {
        return describe(find(ctx, caller));
    }

    void end(Context ctx, Principal caller) {
        sessions.end(find(ctx, caller));
        ctx.status(204);
    }

    void login(Context ctx, Principal none) {
        JsonNode body = Odata.body(ctx);
        JsonNode user = body.get("UserName");
        JsonNode password = body.get("Password");
        if (user == null || password == null || !user.isTextual() || !password.isTextual()) {
            throw RedfishError.badRequest("PropertyMissing", "UserName and Password are required to create a session.");
        }
        var u = auth.login(ctx, user.asText(), password.asText());
        if (u.isEmpty()) {
            throw new RedfishError(401, "ResourceAtUriUnauthorized", "Wrong user name or password.");
        }
        if (u.get().mustChangePassword()) {
            throw new RedfishError(403, "PasswordChangeRequired",
                    "The password of " + u.get().name() + " must be changed first (POST /api/auth/password).");
        }
        var s = sessions.create(u.get().name()).orElseThrow(() -> new RedfishError(503, "SessionLimitExceeded",
                "The session establishment failed due to the number of simultaneous sessions exceeding the limit."));
        ctx.header(RedfishAuth.TOKEN_HEADER, s.token);
        ctx.header("Location", SESSIONS + "/" + s.id);
        ctx.status(201);
        ctx.json(describe(s));
    }

    private Map<String, Object> describe(RedfishSessions.Session s) {
        Map<String, Object> m = header(SESSIONS + "/" + s.id, "#Session.v1_3_0.Session", "Session.Session");
        m.put("Id", s.id);
        m.put("Name", "User Session");
        m.put("UserName", s.user);
        m.put("CreatedTime", s.created.toString());
        return m;
    }

    private RedfishSessions.Session find(Context ctx, Principal p) {
        String id = ctx.pathParam("id");
        return sessions.byId(id).filter(s -> visible(p, s)).orElseThrow(() -> RedfishError.notFound(ctx.path()));
    }

    /** Admins see every session; others only their own. */
    private static boolean visible(Principal p, RedfishSessions.Session s) {
        return p.role() == Role.ADMIN || p.user().equals(s.user);
    }
}
