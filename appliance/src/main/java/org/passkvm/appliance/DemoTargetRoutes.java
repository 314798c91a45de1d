package org.passkvm.appliance;

import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.simulator.SimulatedTarget;
import org.passkvm.web.Role;

/** In demo mode: lets people and tests read what the simulated target saw, at GET /api/demo/target. */
final class DemoTargetRoutes {

    private DemoTargetRoutes() {}

    static void register(Parts parts) throws java.io.IOException {
        if (!parts.hasSimulator()) {
            return;
        }
        SimulatedTarget target = parts.simulator();
        parts.web().api().get("/api/demo/target", Role.VIEWER, ctx -> ctx.json(describe(target.state())));
        parts.web().health().add("simulator", () -> new org.passkvm.web.Health.Capability("demo",
                target.power().name().toLowerCase()));
    }

    static Map<String, Object> describe(SimulatedTarget.State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("power", s.power().name().toLowerCase());
        m.put("lines", s.lines());
        m.put("pointer", Map.of("x", s.pointerX(), "y", s.pointerY()));
        m.put("clicks", s.clicks().stream().map(c -> Map.of("x", c[0], "y", c[1], "buttons", c[2])).toList());
        m.put("leds", Map.of("numLock", s.leds().numLock(), "capsLock", s.leds().capsLock(), "scrollLock", s.leds().scrollLock()));
        m.put("keystrokes", s.keystrokes());
        m.put("screen", Map.of("width", SimulatedTarget.WIDTH, "height", SimulatedTarget.HEIGHT));
        return m;
    }

}
