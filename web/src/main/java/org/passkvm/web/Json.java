package org.passkvm.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.stream.Collectors;

/** Reads request bodies into records, turning every malformed body into a 400 that says what is wrong. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private Json() {}

    public static <T> T read(Context ctx, Class<T> type) {
        return read(ctx.body(), type);
    }

    public static <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw Refusal.invalid("a JSON body is required");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw Refusal.invalid("a JSON object is required");
            }
            return value;
        } catch (IOException e) {
            throw Refusal.invalid("invalid JSON: " + describe(e));
        }
    }

    /** What is wrong with the body, in the caller's terms: field names and positions, never our class names. */
    static String describe(IOException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : "; known fields: " + u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return "unknown field '" + u.getPropertyName() + "'" + known;
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return "field '" + field + "' has the wrong type";
        }
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            return "malformed JSON at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr();
        }
        return "malformed JSON";
    }
}
