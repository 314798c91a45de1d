package org.passkvm.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What GET /api/health reports: per capability, which implementation runs and its state.
 * Capabilities add themselves while the appliance is wired together.
 */
public final class Health {

    /** One capability's entry: its implementation ("gadget", "demo", …), its state and any details. */
    public record Capability(String implementation, String state, Map<String, Object> details) {
        public Capability(String implementation, String state) {
            this(implementation, state, Map.of());
        }
    }

    private final Map<String, Supplier<Capability>> capabilities = new LinkedHashMap<>();

    public synchronized void add(String name, Supplier<Capability> capability) {
        capabilities.put(name, capability);
    }

    public synchronized Map<String, Capability> snapshot() {
        Map<String, Capability> out = new LinkedHashMap<>();
        capabilities.forEach((name, supplier) -> {
            try {
                out.put(name, supplier.get());
            } catch (RuntimeException e) {
                out.put(name, new Capability("unknown", "error", Map.of("error", String.valueOf(e.getMessage()))));
            }
        });
        return out;
    }
}
