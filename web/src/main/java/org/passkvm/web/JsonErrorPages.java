package org.passkvm.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a malformed request line or URI, headers too large, a body that came too slowly) in
 * the API's shape, {@code {"error": …}}, with the security headers and without naming the server or its classes.
 * Installed on the server (errors before any context is chosen, such as a bad request line) and on the servlet
 * context (errors the servlet container raises itself).
 */
final class JsonErrorPages extends ErrorHandler {

    JsonErrorPages() {
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
        setShowOrigin(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (response.isCommitted() || HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put("Strict-Transport-Security", "max-age=31536000");
        headers.put("Content-Security-Policy", SecurityHeaders.CSP);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cache-Control", "no-store");
        // Jetty drops the connection after most of these (a request it could not parse is not read to its end):
        // say so, or a client that reuses connections sends its next request into a closed socket.
        headers.put(HttpHeader.CONNECTION, "close");
        byte[] body = json(status);
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private static byte[] json(int status) {
        String reason = HttpStatus.getMessage(status);
        return ("{\"error\":\"" + (reason == null ? "error " + status : reason.replace("\"", "'")) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
