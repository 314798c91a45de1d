package org.passkvm.appliance;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Which part each capability runs, decided for all of them before any starts. */
public final class Choices {

    private final Map<String, String> parts = new LinkedHashMap<>();

    void put(String capability, String part) {
        parts.put(capability, part);
    }

    /** The part the capability runs ("gadget", "demo", "off", …). */
    public String of(String capability) {
        String part = parts.get(capability);
        if (part == null) {
            throw new IllegalStateException(capability + " is not chosen yet: declare it in needs()");
        }
        return part;
    }

    public Map<String, String> all() {
        return Collections.unmodifiableMap(parts);
    }
}
