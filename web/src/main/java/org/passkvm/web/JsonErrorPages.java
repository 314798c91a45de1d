package org.passkvm.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a malformed request line, headers too large, a body that came too slowly) in the
 * API's shape, {@code {"error": …}}, with the security headers and without naming the server or its classes.
 */
final class JsonErrorPages extends ErrorHandler {

    JsonErrorPages() {
        setShowServlet(false);
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    /** Requests Jetty refuses before any handler runs: a malformed line or URI, headers too large. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put("Strict-Transport-Security", "max-age=31536000");
        fields.put("Content-Security-Policy", SecurityHeaders.CSP);
        fields.put("X-Content-Type-Options", "nosniff");
        fields.put("X-Frame-Options", "DENY");
        fields.put("Referrer-Policy", "no-referrer");
        fields.put("Cache-Control", "no-store");
        return ByteBuffer.wrap(json(status));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        if (response.isCommitted()) {
            return;
        }
        SecurityHeaders.apply(response);
        response.setContentType("application/json");
        byte[] body = json(response.getStatus());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static byte[] json(int status) {
        return ("{\"error\":\"" + HttpStatus.getMessage(status).replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
