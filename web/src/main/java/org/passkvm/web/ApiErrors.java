package org.passkvm.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.web.auth.AuthGate;
import org.tinylog.Logger;

/**
 * The one place where what went wrong in a route becomes an HTTP answer: a {@link Refusal}'s kind picks the status,
 * and every error body is {@code {"error": …}} plus the refusal's details. Jetty's own errors, before any route
 * runs, are {@link JsonErrorPages}'.
 */
public final class ApiErrors {

    private ApiErrors() {}

    public static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case WRONG_FORMAT -> 415;
            case UNPROCESSABLE -> 422;
            case TOO_MANY_ATTEMPTS -> 429;
            case INTERNAL -> 500;
            case UNSUPPORTED -> 501;
            case FAILED -> 502;
            case UNAVAILABLE -> 503;
            case NO_SPACE -> 507;
        };
    }

    static void install(RoutesConfig app, AuthGate gate) {
        app.exception(Refusal.class, (e, ctx) -> answer(ctx, status(e.kind()), e.getMessage(), e.details()));
        // Javalin's own refusals, such as a body over the size limit.
        app.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), e.getMessage(), e.getDetails()));
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            Logger.error(e, "{} {} failed", ctx.method(), ctx.path());
            error(ctx, 500, "internal error; see the appliance log");
        });
        app.error(404, ctx -> {
            // Unknown paths tell an anonymous caller nothing about which routes exist.
            if (gate.identify(ctx).isEmpty()) {
                error(ctx, 401, "authentication required");
            } else if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint ")) {
                error(ctx, 404, "no such resource: " + ctx.method() + " " + ctx.path());
            }
        });
        app.error(405, ctx -> error(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path()));
    }

    private static void answer(Context ctx, int status, String message, Map<String, String> details) {
        String accept = ctx.header(Header.ACCEPT);
        if (status == 401 && ctx.method().name().equals("GET") && accept != null && accept.contains("text/html")) {
            ctx.redirect("/login"); // a person opening the console: show the login page, not JSON
            return;
        }
        ctx.status(status);
        Map<String, Object> body = new LinkedHashMap<>(details);
        body.put("error", message);
        ctx.json(body);
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        ctx.json(Map.of("error", message == null ? HttpStatus.forStatus(status).getMessage() : message));
    }
}
