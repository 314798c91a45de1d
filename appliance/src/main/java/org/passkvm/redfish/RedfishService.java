package org.passkvm.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.passkvm.power.PowerAction;
import org.passkvm.power.PowerBusyException;
import org.passkvm.power.PowerControl;
import org.passkvm.power.PowerState;
import org.passkvm.web.Api;
import org.passkvm.web.ApiErrors;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.WebServer;
import org.passkvm.web.auth.Principal;
import org.tinylog.Logger;

/**
 * The Redfish resources under {@code /redfish/v1}. Only {@code /redfish} and the service root are
 * open to anonymous callers, as DSP0266 requires; every other resource goes through
 * {@link RedfishAuth}. Unknown URIs answer 404 and known URIs with a wrong method 405, both in
 * Redfish's error format.
 */
public final class RedfishService implements WebModule {

    static final String ROOT = "/redfish/v1";
    static final String SYSTEMS = ROOT + "/Systems";
    static final String SYSTEM_ID = "host";
    static final String SYSTEM = SYSTEMS + "/" + SYSTEM_ID;
    static final String RESET = SYSTEM + "/Actions/ComputerSystem.Reset";
    static final String CHASSIS_COLLECTION = ROOT + "/Chassis";
    static final String CHASSIS = CHASSIS_COLLECTION + "/" + SYSTEM_ID;
    static final String MANAGERS = ROOT + "/Managers";
    static final String MANAGER_ID = "passkvm";
    static final String MANAGER = MANAGERS + "/" + MANAGER_ID;
    static final String SESSION_SERVICE = ROOT + "/SessionService";
    static final String SESSIONS = SESSION_SERVICE + "/Sessions";

    /** Sessions in all, and per user: one account cannot take every session. */
    static final int MAX_SESSIONS = 64;
    static final int SESSIONS_PER_USER = 8;

    /** Redfish ResetType → the power action it presses. */
    static final Map<String, PowerAction> RESET_TYPES = resetTypes();

    @FunctionalInterface
    interface Resource {
        void handle(Context ctx, Principal caller) throws Exception;
    }

    private final PowerControl power;
    private final RedfishAuth auth;
    private final RedfishSessions sessions;
    private final String uuid;
    private final String version;
    private final Map<String, Set<String>> methods = new LinkedHashMap<>();

    public RedfishService(PowerControl power, WebServer web, String uuid, Duration sessionTimeout) {
        this.power = power;
        this.sessions = new RedfishSessions(sessionTimeout, MAX_SESSIONS, SESSIONS_PER_USER, Clock.systemUTC());
        this.auth = new RedfishAuth(web.gate(), web.accounts(), sessions);
        web.revocations().onRevoke(sessions::endAllOf);
        this.uuid = uuid;
        String v = RedfishService.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
    }

    private static Map<String, PowerAction> resetTypes() {
        Map<String, PowerAction> m = new LinkedHashMap<>();
        m.put("On", PowerAction.ON);
        m.put("ForceOff", PowerAction.OFF_HARD);
        m.put("GracefulShutdown", PowerAction.OFF);
        m.put("ForceRestart", PowerAction.RESET);
        m.put("PowerCycle", PowerAction.CYCLE);
        m.put("PushPowerButton", PowerAction.PUSH);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public void register(Api api) {
        get(api, "/redfish", null, (ctx, p) -> ctx.json(Map.of("v1", ROOT + "/")));
        get(api, ROOT, null, (ctx, p) -> ctx.json(serviceRoot()));
        get(api, SYSTEMS, Role.VIEWER, (ctx, p) -> ctx.json(collection(SYSTEMS, "ComputerSystemCollection", "Computer System Collection", List.of(SYSTEM))));
        get(api, SYSTEM, Role.VIEWER, (ctx, p) -> ctx.json(system()));
        post(api, RESET, Role.OPERATOR, this::reset);
        get(api, CHASSIS_COLLECTION, Role.VIEWER, (ctx, p) -> ctx.json(collection(CHASSIS_COLLECTION, "ChassisCollection", "Chassis Collection", List.of(CHASSIS))));
        get(api, CHASSIS, Role.VIEWER, (ctx, p) -> ctx.json(chassis()));
        get(api, MANAGERS, Role.VIEWER, (ctx, p) -> ctx.json(collection(MANAGERS, "ManagerCollection", "Manager Collection", List.of(MANAGER))));
        get(api, MANAGER, Role.VIEWER, (ctx, p) -> ctx.json(manager()));
        get(api, SESSION_SERVICE, Role.VIEWER, (ctx, p) -> ctx.json(sessionService()));
        get(api, SESSIONS, Role.VIEWER, (ctx, p) -> ctx.json(collection(SESSIONS, "SessionCollection", "Session Collection",
                sessions.all().stream().filter(s -> visible(p, s)).map(s -> SESSIONS + "/" + s.id).toList())));
        post(api, SESSIONS, null, this::login);
        get(api, SESSIONS + "/{id}", Role.VIEWER, (ctx, p) -> ctx.json(session(find(ctx, p))));
        delete(api, SESSIONS + "/{id}", Role.VIEWER, (ctx, p) -> {
            sessions.end(find(ctx, p));
            ctx.status(204);
        });
        // Last, so that they only see what nothing above matched: 404 or 405 in Redfish's format.
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            Resource unmatched = (ctx, p) -> unmatched(ctx);
            switch (method) {
                case "GET" -> api.get(ROOT + "/*", Role.PUBLIC, wrap(Role.VIEWER, false, unmatched));
                case "POST" -> api.post(ROOT + "/*", Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
                case "PUT" -> api.put(ROOT + "/*", Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
                case "PATCH" -> api.patch(ROOT + "/*", Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
                default -> api.delete(ROOT + "/*", Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
            }
        }
    }

    // ---- resources ----

    private Map<String, Object> serviceRoot() {
        Map<String, Object> m = header(ROOT + "/", "#ServiceRoot.v1_11_0.ServiceRoot", "ServiceRoot.ServiceRoot");
        m.put("Id", "RootService");
        m.put("Name", "PassKVM Redfish Service");
        m.put("RedfishVersion", "1.11.0");
        m.put("UUID", uuid);
        m.put("Product", "PassKVM");
        m.put("Vendor", "PassKVM");
        m.put("Systems", link(SYSTEMS));
        m.put("Chassis", link(CHASSIS_COLLECTION));
        m.put("Managers", link(MANAGERS));
        m.put("SessionService", link(SESSION_SERVICE));
        m.put("Links", Map.of("Sessions", link(SESSIONS)));
        return m;
    }

    private Map<String, Object> system() {
        PowerState s = power.state();
        Map<String, Object> m = header(SYSTEM, "#ComputerSystem.v1_13_0.ComputerSystem", "ComputerSystem.ComputerSystem");
        m.put("Id", SYSTEM_ID);
        m.put("Name", "Host");
        m.put("Description", "The computer whose front panel, keyboard, mouse and screen PassKVM is wired to");
        m.put("SystemType", "Physical");
        m.put("PowerState", powerState(s));
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        Map<String, Object> reset = new LinkedHashMap<>();
        reset.put("target", RESET);
        reset.put("ResetType@Redfish.AllowableValues", List.copyOf(RESET_TYPES.keySet()));
        m.put("Actions", Map.of("#ComputerSystem.Reset", reset));
        m.put("Links", Map.of("ManagedBy", List.of(link(MANAGER)), "Chassis", List.of(link(CHASSIS))));
        return m;
    }

    /** The host's case: the same power state; only here so tools that walk Chassis find the host. */
    private Map<String, Object> chassis() {
        Map<String, Object> m = header(CHASSIS, "#Chassis.v1_14_0.Chassis", "Chassis.Chassis");
        m.put("Id", SYSTEM_ID);
        m.put("Name", "Host chassis");
        m.put("ChassisType", "Other");
        m.put("PowerState", powerState(power.state()));
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        m.put("Links", Map.of("ComputerSystems", List.of(link(SYSTEM)), "ManagedBy", List.of(link(MANAGER))));
        return m;
    }

    /** From the power LED; while an action is being pressed, the direction it is going. */
    static String powerState(PowerState s) {
        if (s.busy() == PowerAction.ON && !s.on()) {
            return "PoweringOn";
        }
        if ((s.busy() == PowerAction.OFF || s.busy() == PowerAction.OFF_HARD) && s.on()) {
            return "PoweringOff";
        }
        return s.on() ? "On" : "Off";
    }

    private Map<String, Object> manager() {
        Map<String, Object> m = header(MANAGER, "#Manager.v1_10_0.Manager", "Manager.Manager");
        m.put("Id", MANAGER_ID);
        m.put("Name", "PassKVM");
        m.put("ManagerType", "BMC");
        m.put("Description", "PassKVM KVM-over-IP appliance");
        m.put("FirmwareVersion", version);
        m.put("UUID", uuid);
        m.put("PowerState", "On");
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        m.put("Links", Map.of("ManagerForServers", List.of(link(SYSTEM)), "ManagerForChassis", List.of(link(CHASSIS))));
        return m;
    }

    private Map<String, Object> sessionService() {
        Map<String, Object> m = header(SESSION_SERVICE, "#SessionService.v1_1_8.SessionService", "SessionService.SessionService");
        m.put("Id", "SessionService");
        m.put("Name", "Session Service");
        m.put("ServiceEnabled", true);
        m.put("SessionTimeout", sessions.idleTimeout().toSeconds());
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        m.put("Sessions", link(SESSIONS));
        return m;
    }

    private Map<String, Object> session(RedfishSessions.Session s) {
        Map<String, Object> m = header(SESSIONS + "/" + s.id, "#Session.v1_3_0.Session", "Session.Session");
        m.put("Id", s.id);
        m.put("Name", "User Session");
        m.put("UserName", s.user);
        m.put("CreatedTime", s.created.toString());
        return m;
    }

    private static Map<String, Object> collection(String id, String type, String name, List<String> members) {
        Map<String, Object> m = header(id, "#" + type + "." + type, type + "." + type);
        m.put("Name", name);
        m.put("Members@odata.count", members.size());
        m.put("Members", members.stream().map(RedfishService::link).toList());
        return m;
    }

    private static Map<String, Object> header(String id, String type, String context) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@odata.context", ROOT + "/$metadata#" + context);
        m.put("@odata.id", id);
        m.put("@odata.type", type);
        return m;
    }

    private static Map<String, Object> link(String id) {
        return Map.of("@odata.id", id);
    }

    // ---- actions ----

    private void reset(Context ctx, Principal caller) {
        JsonNode body = body(ctx);
        JsonNode type = body.get("ResetType");
        if (type == null || !type.isTextual()) {
            throw RedfishError.badRequest("ActionParameterMissing",
                    "The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.");
        }
        PowerAction action = RESET_TYPES.get(type.asText());
        if (action == null) {
            throw RedfishError.badRequest("ActionParameterNotSupported", "The parameter ResetType value " + type.asText()
                    + " is not supported; allowable values are " + RESET_TYPES.keySet() + ".");
        }
        try {
            power.start(action);
        } catch (PowerBusyException e) {
            throw new RedfishError(409, "ResourceInUse", "The change could not be made: the power action '"
                    + e.running().id() + "' is still in progress.");
        }
        Logger.info("Redfish ComputerSystem.Reset {} by '{}'", type.asText(), caller.user());
        ctx.status(204);
    }

    private void login(Context ctx, Principal none) {
        JsonNode body = body(ctx);
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
        ctx.json(session(s));
    }

    private RedfishSessions.Session find(Context ctx, Principal p) {
        String id = ctx.pathParam("id");
        return sessions.byId(id).filter(s -> visible(p, s)).orElseThrow(() -> RedfishError.notFound(ctx.path()));
    }

    /** Admins see every session; others only their own. */
    private static boolean visible(Principal p, RedfishSessions.Session s) {
        return p.role() == Role.ADMIN || p.user().equals(s.user);
    }

    private static JsonNode body(Context ctx) {
        String text = ctx.body();
        try {
            JsonNode n = text == null || text.isBlank() ? null : Json.MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                throw RedfishError.badRequest("MalformedJSON", "The request body must be a JSON object.");
            }
            return n;
        } catch (java.io.IOException e) {
            throw RedfishError.badRequest("MalformedJSON", "The request body submitted was malformed JSON.");
        }
    }

    private void unmatched(Context ctx) {
        String path = ctx.path().length() > 1 && ctx.path().endsWith("/") ? ctx.path().substring(0, ctx.path().length() - 1) : ctx.path();
        Set<String> allowed = allowedAt(path);
        if (allowed.isEmpty()) {
            throw RedfishError.notFound(ctx.path());
        }
        ctx.header("Allow", String.join(", ", allowed));
        throw new RedfishError(405, "OperationNotAllowed", "The HTTP method " + ctx.method() + " is not allowed on "
                + ctx.path() + "; allowed: " + String.join(", ", allowed) + ".");
    }

    private Set<String> allowedAt(String path) {
        for (var e : methods.entrySet()) {
            if (path.matches(e.getKey().replaceAll("\\{[^}]+}", "[^/]+"))) {
                return e.getValue();
            }
        }
        return Set.of();
    }

    // ---- registration ----

    private void get(Api api, String path, Role role, Resource r) {
        known(path, "GET");
        api.get(path, Role.PUBLIC, wrap(role, false, r));
    }

    private void post(Api api, String path, Role role, Resource r) {
        known(path, "POST");
        api.post(path, Role.PUBLIC, wrap(role, true, r));
    }

    private void delete(Api api, String path, Role role, Resource r) {
        known(path, "DELETE");
        api.delete(path, Role.PUBLIC, wrap(role, true, r));
    }

    private void known(String path, String method) {
        methods.computeIfAbsent(path, k -> new TreeSet<>()).add(method);
    }

    /** Every Redfish handler: authentication (unless role is null), OData-Version, and errors in Redfish's format. */
    private io.javalin.http.Handler wrap(Role role, boolean changesState, Resource r) {
        return ctx -> {
            ctx.header("OData-Version", "4.0");
            try {
                Principal p = role == null ? null : auth.check(ctx, role, changesState);
                r.handle(ctx, p);
            } catch (RedfishError e) {
                RedfishError.render(ctx, e.status, e.messageId, e.getMessage());
                if (e.status == 404 || e.status == 405) {
                    // The web server's own 404/405 pages would replace this body with its plain JSON error.
                    ctx.skipRemainingHandlers();
                }
            } catch (Refusal e) {
                int status = ApiErrors.status(e.kind());
                RedfishError.render(ctx, status, RedfishError.messageIdFor(status), e.getMessage());
            } catch (HttpResponseException e) { // Javalin's own, such as a body over the size limit
                RedfishError.render(ctx, e.getStatus(), RedfishError.messageIdFor(e.getStatus()), e.getMessage());
            } catch (RuntimeException e) {
                Logger.error(e, "Redfish {} {} failed", ctx.method(), ctx.path());
                RedfishError.render(ctx, 500, "InternalError", "The request failed; see the appliance log.");
            }
        };
    }
}
