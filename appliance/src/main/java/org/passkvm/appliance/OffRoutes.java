package org.passkvm.appliance;

import io.javalin.http.Handler;
import java.util.Map;
import java.util.function.Supplier;
import org.passkvm.web.Api;
import org.passkvm.web.Health;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;

/**
 * A disabled part's whole API: every path of the capability still answers, behind the same login, with 503, why,
 * and {@code "off": <capability>}, so the console and scripts get one clear answer for anything turned off.
 */
final class OffRoutes {

    private OffRoutes() {}

    /** Registers the disabled part's answers and returns its health: implementation and state "off". */
    static Supplier<Health.Capability> register(Api api, String capability, String why, String... prefixes) {
        Handler off = ctx -> {
            throw new Refusal(Refusal.Kind.UNAVAILABLE, why, Map.of("off", capability));
        };
        for (String prefix : prefixes) {
            for (String path : new String[] {prefix, prefix + "/<rest>"}) {
                api.get(path, Role.VIEWER, off);
                api.post(path, Role.VIEWER, off);
                api.put(path, Role.VIEWER, off);
                api.patch(path, Role.VIEWER, off);
                api.delete(path, Role.VIEWER, off);
            }
        }
        return () -> new Health.Capability("off", "off", Map.of("detail", why));
    }
}
