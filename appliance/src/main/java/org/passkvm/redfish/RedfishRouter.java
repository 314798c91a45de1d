package org.passkvm.redfish;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.passkvm.web.Api;
import org.passkvm.web.ApiErrors;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.auth.Principal;
import org.tinylog.Logger;

/**
 * Puts Redfish resources on the web server: each handler behind {@link RedfishAuth} with errors in Redfish's format,
 * and, after them, 404 for unknown URIs and 405 with Allow for a known URI and a wrong method. Routes are public to
 * the web server's gate so that the Redfish check, not the gate's JSON, answers.
 */
final class RedfishRouter {

    @FunctionalInterface
    interface Resource {
        void handle(Context ctx, Principal caller) throws Exception;
    }

    private final Api api;
    private final RedfishAuth auth;
    /** Path pattern → the methods it has, for the 405 answer. */
    private final Map<String, Set<String>> methods = new LinkedHashMap<>();

    RedfishRouter(Api api, RedfishAuth auth) {
        this.api = api;
        this.auth = auth;
    }

    /** @param role null: open to anonymous callers (only /redfish and the service root, as DSP0266 requires) */
    void get(String path, Role role, Resource r) {
        known(path, "GET");
        api.get(path, Role.PUBLIC, wrap(role, false, r));
    }

    void post(String path, Role role, Resource r) {
        known(path, "POST");
        api.post(path, Role.PUBLIC, wrap(role, true, r));
    }

    void delete(String path, Role role, Resource r) {
        known(path, "DELETE");
        api.delete(path, Role.PUBLIC, wrap(role, true, r));
    }

    /** Called last, so that these only see what no resource matched: 404 or 405 in Redfish's format. */
    void answerTheRest() {
        Resource unmatched = (ctx, p) -> unmatched(ctx);
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            String any = RedfishPaths.ROOT + "/*";
            switch (method) {
                case "GET" -> api.get(any, Role.PUBLIC, wrap(Role.VIEWER, false, unmatched));
                case "POST" -> api.post(any, Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
                case "PUT" -> api.put(any, Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
                case "PATCH" -> api.patch(any, Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
                default -> api.delete(any, Role.PUBLIC, wrap(Role.VIEWER, true, unmatched));
            }
        }
    }

    private void known(String path, String method) {
        methods.computeIfAbsent(path, k -> new TreeSet<>()).add(method);
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

    /** Every Redfish handler: authentication (unless role is null), OData-Version, and errors in Redfish's format. */
    private Handler wrap(Role role, boolean changesState, Resource r) {
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
