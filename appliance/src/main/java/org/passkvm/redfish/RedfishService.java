package org.passkvm.redfish;

import static org.passkvm.redfish.RedfishPaths.*;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.passkvm.power.PowerControl;
import org.passkvm.web.Api;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.WebServer;

/**
 * The Redfish resources under {@code /redfish/v1} and who may use them. Only {@code /redfish} and the service root are
 * open to anonymous callers, as DSP0266 requires; every other resource goes through {@link RedfishAuth}. Unknown URIs
 * answer 404 and known URIs with a wrong method 405, both in Redfish's error format ({@link RedfishRouter}).
 */
public final class RedfishService implements WebModule {

    /** Sessions in all, and per user: one account cannot take every session. */
    static final int MAX_SESSIONS = 64;
    static final int SESSIONS_PER_USER = 8;

    private final RedfishAuth auth;
    private final HostResources host;
    private final ResetAction reset;
    private final SessionService sessionService;

    public RedfishService(PowerControl power, WebServer web, String uuid, Duration sessionTimeout) {
        RedfishSessions sessions = new RedfishSessions(sessionTimeout, MAX_SESSIONS, SESSIONS_PER_USER, Clock.systemUTC());
        this.auth = new RedfishAuth(web.gate(), web.accounts(), sessions);
        web.revocations().onRevoke(sessions::endAllOf);
        this.host = new HostResources(power, uuid);
        this.reset = new ResetAction(power);
        this.sessionService = new SessionService(sessions, auth);
    }

    @Override
    public void register(Api api) {
        RedfishRouter r = new RedfishRouter(api, auth);
        r.get("/redfish", null, (ctx, p) -> ctx.json(Map.of("v1", ROOT + "/")));
        r.get(ROOT, null, (ctx, p) -> ctx.json(host.serviceRoot()));
        r.get(SYSTEMS, Role.VIEWER, (ctx, p) -> ctx.json(Odata.collection(SYSTEMS, "ComputerSystemCollection",
                "Computer System Collection", List.of(SYSTEM))));
        r.get(SYSTEM, Role.VIEWER, (ctx, p) -> ctx.json(host.system()));
        r.post(RESET, Role.OPERATOR, reset::handle);
        r.get(CHASSIS_COLLECTION, Role.VIEWER, (ctx, p) -> ctx.json(Odata.collection(CHASSIS_COLLECTION, "ChassisCollection",
                "Chassis Collection", List.of(CHASSIS))));
        r.get(CHASSIS, Role.VIEWER, (ctx, p) -> ctx.json(host.chassis()));
        r.get(MANAGERS, Role.VIEWER, (ctx, p) -> ctx.json(Odata.collection(MANAGERS, "ManagerCollection",
                "Manager Collection", List.of(MANAGER))));
        r.get(MANAGER, Role.VIEWER, (ctx, p) -> ctx.json(host.manager()));
        r.get(SESSION_SERVICE, Role.VIEWER, (ctx, p) -> ctx.json(sessionService.service()));
        r.get(SESSIONS, Role.VIEWER, (ctx, p) -> ctx.json(sessionService.collection(p)));
        r.post(SESSIONS, null, sessionService::login);
        r.get(SESSIONS + "/{id}", Role.VIEWER, (ctx, p) -> ctx.json(sessionService.session(ctx, p)));
        r.delete(SESSIONS + "/{id}", Role.VIEWER, sessionService::end);
        r.answerTheRest();
    }
}
