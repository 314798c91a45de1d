package org.passkvm.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        if (response.isCommitted()) {
            return;
        }
        int status = response.getStatus();
        String reason = HttpStatus.getMessage(status);
        SecurityHeaders.apply(response);
        response.setContentType("application/json");
        byte[] body = ("{\"error\":\"" + reason.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
