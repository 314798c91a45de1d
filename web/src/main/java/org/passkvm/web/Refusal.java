package org.passkvm.web;

import java.util.Map;

/**
 * A request the appliance will not or cannot carry out, told in the domain's terms: what kind of refusal, why, and
 * any facts a script can act on. Code that throws it knows nothing of HTTP; {@link ApiErrors} alone turns the kind
 * into a status and the whole into the API's JSON error.
 */
public class Refusal extends RuntimeException {

    public enum Kind {
        /** The request itself is wrong: a missing field, a bad value. */
        INVALID,
        /** The caller did not say who it is, or said it wrongly. */
        UNAUTHENTICATED,
        /** The caller is known but may not do this. */
        FORBIDDEN,
        /** No such thing. */
        NOT_FOUND,
        /** Not now: something is busy, in use, or in the wrong state. */
        CONFLICT,
        /** More than a limit or quota allows. */
        TOO_LARGE,
        /** The body is not in a format this request takes. */
        WRONG_FORMAT,
        /** Well formed, but it cannot be done as asked (text a layout cannot type). */
        UNPROCESSABLE,
        /** Too many wrong attempts from this source; try again later. */
        TOO_MANY_ATTEMPTS,
        /** The appliance itself failed. */
        INTERNAL,
        /** This host or driver cannot do it. */
        UNSUPPORTED,
        /** The machine we drive tried and failed. */
        FAILED,
        /** The part that would do it is not there: off, not connected, no picture. */
        UNAVAILABLE,
        /** No room left on a disk. */
        NO_SPACE
    }

    private final Kind kind;
    private final Map<String, String> details;

    public Refusal(Kind kind, String message) {
        this(kind, message, Map.of());
    }

    public Refusal(Kind kind, String message, Map<String, String> details) {
        super(message);
        this.kind = kind;
        this.details = Map.copyOf(details);
    }

    public static Refusal invalid(String message) {
        return new Refusal(Kind.INVALID, message);
    }

    public static Refusal notFound(String message) {
        return new Refusal(Kind.NOT_FOUND, message);
    }

    public static Refusal conflict(String message) {
        return new Refusal(Kind.CONFLICT, message);
    }

    public static Refusal forbidden(String message) {
        return new Refusal(Kind.FORBIDDEN, message);
    }

    public static Refusal unavailable(String message) {
        return new Refusal(Kind.UNAVAILABLE, message);
    }

    public Kind kind() {
        return kind;
    }

    /** Facts besides the message, answered next to it in the error body (e.g. {@code "off": "video"}). */
    public Map<String, String> details() {
        return details;
    }
}
