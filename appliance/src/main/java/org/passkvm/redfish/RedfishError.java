package org.passkvm.redfish;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * An error answered in Redfish's format (DSP0266, 9.6): an {@code error} object with a Base
 * registry message ID and the message in {@code @Message.ExtendedInfo}.
 */
final class RedfishError extends RuntimeException {

    static final String REGISTRY = "Base.1.8.";

    final int status;
    final String messageId;

    RedfishError(int status, String messageId, String message) {
        super(message);
        this.status = status;
        this.messageId = messageId;
    }

    static RedfishError notFound(String path) {
        return new RedfishError(404, "ResourceMissingAtURI", "The resource at the URI " + path + " was not found.");
    }

    static RedfishError badRequest(String messageId, String message) {
        return new RedfishError(400, messageId, message);
    }

    /** A message ID from the Base registry for an HTTP status the gate, another route's refusal or Javalin produced. */
    static String messageIdFor(int status) {
        return switch (status) {
            case 400 -> "MalformedJSON";
            case 401 -> "NoValidSession";
            case 403 -> "InsufficientPrivilege";
            case 404 -> "ResourceMissingAtURI";
            case 405 -> "OperationNotAllowed";
            case 409 -> "ResourceInUse";
            case 429 -> "ServiceTemporarilyUnavailable";
            default -> "GeneralError";
        };
    }

    static void render(Context ctx, int status, String messageId, String message) {
        ctx.status(status);
        ctx.header("OData-Version", "4.0");
        ctx.json(Map.of("error", Map.of(
                "code", REGISTRY + (status >= 500 ? "InternalError" : "GeneralError"),
                "message", message,
                "@Message.ExtendedInfo", List.of(Map.of(
                        "@odata.type", "#Message.v1_1_1.Message",
                        "MessageId", REGISTRY + messageId,
                        "Message", message,
                        "Severity", status >= 500 ? "Critical" : "Warning",
                        "Resolution", resolution(status))))));
    }

    private static String resolution(int status) {
        return switch (status) {
            case 401 -> "Log in with HTTP Basic authentication or create a session at /redfish/v1/SessionService/Sessions.";
            case 403 -> "Use an account with the required role.";
            case 404 -> "Check the URI; the service root lists the resources.";
            case 405 -> "Use one of the methods in the Allow header.";
            case 409 -> "Wait for the running operation to finish, then retry.";
            case 429 -> "Wait for the time in the Retry-After header, then retry.";
            default -> status >= 500 ? "Retry; if it persists, see the appliance log." : "Correct the request and resubmit.";
        };
    }
}
