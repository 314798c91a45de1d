package org.passkvm.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.power.PowerAction;
import org.passkvm.power.PowerBusyException;
import org.passkvm.power.PowerControl;
import org.passkvm.web.auth.Principal;
import org.tinylog.Logger;

/** ComputerSystem.Reset: presses the power action its ResetType names. */
final class ResetAction {

    /** Redfish ResetType → the power action it presses. */
    static final Map<String, PowerAction> RESET_TYPES = resetTypes();

    private final PowerControl power;

    ResetAction(PowerControl power) {
        this.power = power;
    }

    private static Map<String, PowerAction> resetTypes() {
        Map<String, PowerAction> m = new LinkedHashMap<>();
        m.put("On", PowerAction.ON);
        m.put("ForceOff", PowerAction.OFF_HARD);
        m.put("GracefulShutdown", PowerAction.OFF);
        m.put("ForceRestart", PowerAction.RESET);
        m.put("PowerCycle", PowerAction.CYCLE);
        m.put("PushPowerButton", PowerAction.PUSH);
        return Collections.unmodifiableMap(m);
    }

    void handle(Context ctx, Principal caller) {
        JsonNode type = Odata.body(ctx).get("ResetType");
        if (type == null || !type.isTextual()) {
            throw RedfishError.badRequest("ActionParameterMissing",
                    "The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.");
        }
        PowerAction action = RESET_TYPES.get(type.asText());
        if (action == null) {
            throw RedfishError.badRequest("ActionParameterNotSupported", "The parameter ResetType value " + type.asText()
                    + " is not supported; allowable values are " + RESET_TYPES.keySet() + ".");
        }
        try {
            power.start(action);
        } catch (PowerBusyException e) {
            throw new RedfishError(409, "ResourceInUse", "The change could not be made: the power action '"
                    + e.running().id() + "' is still in progress.");
        }
        Logger.info("Redfish ComputerSystem.Reset {} by '{}'", type.asText(), caller.user());
        ctx.status(204);
    }
}
