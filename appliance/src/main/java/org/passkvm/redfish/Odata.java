package org.passkvm.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.web.Json;

/** The OData pieces every Redfish body is made of, and the JSON object every Redfish request body must be. */
final class Odata {

    private Odata() {}

    static Map<String, Object> header(String id, String type, String context) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@odata.context", RedfishPaths.ROOT + "/$metadata#" + context);
        m.put("@odata.id", id);
        m.put("@odata.type", type);
        return m;
    }

    static Map<String, Object> link(String id) {
        return Map.of("@odata.id", id);
    }

    static Map<String, Object> collection(String id, String type, String name, List<String> members) {
        Map<String, Object> m = header(id, "#" + type + "." + type, type + "." + type);
        m.put("Name", name);
        m.put("Members@odata.count", members.size());
        m.put("Members", members.stream().map(Odata::link).toList());
        return m;
    }

    static JsonNode body(Context ctx) {
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
}
