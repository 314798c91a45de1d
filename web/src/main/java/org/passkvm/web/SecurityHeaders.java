package org.passkvm.web;

import jakarta.servlet.http.HttpServletResponse;

/** The headers every HTTPS response carries, Javalin's and Jetty's own error pages included. */
final class SecurityHeaders {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; connect-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {}

    static void apply(HttpServletResponse res) {
        res.setHeader("Strict-Transport-Security", "max-age=31536000");
        res.setHeader("Content-Security-Policy", CSP);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Cache-Control", "no-store");
    }
}
