package org.passkvm.power;

import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.tinylog.Logger;

/**
 * The power REST API: {@code GET /api/power}, {@code POST /api/power/{action}},
 * {@code POST /api/power/wol}, and {@code /api/power/ws}, which pushes every state change.
 */
public final class PowerRoutes implements WebModule {

    private final PowerControl power;
    private final WakeOnLan wol;
    private final Set<WsContext> watchers = ConcurrentHashMap.newKeySet();

    /** @param wol null when no MAC is configured */
    public PowerRoutes(PowerControl power, WakeOnLan wol) {
        this.power = power;
        this.wol = wol;
        power.onChange(this::push);
    }

    @Override
    public void register(Api api) {
        api.get("/api/power", Role.VIEWER, ctx -> ctx.json(describe(power.state())));
        api.post("/api/power/wol", Role.OPERATOR, this::wake);
        api.post("/api/power/{action}", Role.OPERATOR, this::act);
        api.ws("/api/power/ws", Role.VIEWER, ws -> {
            ws.onConnect(ctx -> {
                ctx.enableAutomaticPings(20, TimeUnit.SECONDS);
                watchers.add(ctx);
                ctx.send(Json.MAPPER.writeValueAsString(describe(power.state())));
            });
            ws.onClose(watchers::remove);
            ws.onError(watchers::remove);
        });
    }

    private void act(Context ctx) throws Exception {
        String id = ctx.pathParam("action");
        PowerAction action = PowerAction.parse(id).orElseThrow(() -> Refusal.notFound("no power action '" + id
                + "'; actions are " + Arrays.stream(PowerAction.values()).map(PowerAction::id).toList() + " and wol"));
        var done = power.start(action); // busy: PowerBusyException, a conflict
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("action", action.id());
        if ("true".equals(ctx.queryParam("wait"))) {
            try {
                PowerControl.Outcome o = done.get(60, TimeUnit.SECONDS);
                out.put("pressed", o.pressed());
                out.put("detail", o.detail());
            } catch (ExecutionException e) {
                throw new Refusal(Refusal.Kind.INTERNAL, "power action failed: " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                out.put("detail", "still running");
            }
            ctx.status(200);
        } else {
            ctx.status(202);
        }
        out.put("state", describe(power.state()));
        ctx.json(out);
    }

    private void wake(Context ctx) throws java.io.IOException {
        if (wol == null) {
            throw Refusal.conflict("Wake-on-LAN is not configured: set wol.mac in the settings");
        }
        wol.send();
        Logger.info("Sent Wake-on-LAN to {} via {}", wol.mac(), wol.target());
        ctx.json(Map.of("sent", true, "mac", wol.mac(), "to", wol.target().getAddress().getHostAddress() + ":" + wol.target().getPort()));
    }

    private void push(PowerState s) {
        if (watchers.isEmpty()) {
            return;
        }
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(describe(s));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return;
        }
        for (WsContext w : watchers) {
            try {
                if (w.session.isOpen()) {
                    w.send(text);
                } else {
                    watchers.remove(w);
                }
            } catch (RuntimeException e) {
                watchers.remove(w);
            }
        }
    }

    Map<String, Object> describe(PowerState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("power", s.on() ? "on" : "off");
        m.put("powerLed", s.on());
        m.put("hddLed", s.hddActive());
        m.put("busy", s.busy() == null ? null : s.busy().id());
        m.put("atx", s.atx());
        m.put("actions", Arrays.stream(PowerAction.values()).map(PowerAction::id).toList());
        m.put("wol", wol != null);
        return m;
    }
}
