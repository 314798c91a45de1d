package org.passkvm.appliance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.appliance.settings.Schema;
import org.tinylog.Logger;

/**
 * Runs the capabilities: first decides every part (so one capability can follow another's choice, e.g. media
 * presents images only through the USB gadget), then starts them in the order their needs give, each reporting
 * its own health. Nothing depends on the order the capabilities are listed in.
 */
final class Registry {

    private final List<Capability> ordered;

    Registry(List<Capability> capabilities) {
        this.ordered = order(capabilities);
    }

    Choices choose(Schema.Settings settings) {
        Choices choices = new Choices();
        for (Capability c : ordered) {
            choices.put(c.name(), c.choose(settings.section(c.name()), choices));
        }
        return choices;
    }

    void start(Parts parts, Choices choices) throws IOException {
        for (Capability c : ordered) {
            String part = choices.of(c.name());
            parts.web().health().add(c.name(), c.start(part, parts.settings().section(c.name()), parts, choices));
            Logger.info("{}: {}", c.name(), part);
        }
    }

    /** Capabilities after those they need; a cycle is a programming error, caught by the tests at start-up. */
    private static List<Capability> order(List<Capability> capabilities) {
        Map<String, Capability> byName = new LinkedHashMap<>();
        capabilities.forEach(c -> byName.put(c.name(), c));
        List<Capability> out = new ArrayList<>();
        List<String> visiting = new ArrayList<>();
        for (Capability c : capabilities) {
            visit(c, byName, out, visiting);
        }
        return out;
    }

    private static void visit(Capability c, Map<String, Capability> byName, List<Capability> out, List<String> visiting) {
        if (out.contains(c)) {
            return;
        }
        if (visiting.contains(c.name())) {
            throw new IllegalStateException("capabilities need each other: " + visiting + " -> " + c.name());
        }
        visiting.add(c.name());
        for (String need : c.needs()) {
            Capability n = byName.get(need);
            if (n == null) {
                throw new IllegalStateException(c.name() + " needs unknown capability " + need);
            }
            visit(n, byName, out, visiting);
        }
        visiting.remove(c.name());
        out.add(c);
    }
}
