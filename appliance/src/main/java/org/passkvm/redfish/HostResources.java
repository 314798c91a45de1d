package org.passkvm.redfish;

import static org.passkvm.redfish.Odata.header;
import static org.passkvm.redfish.Odata.link;
import static org.passkvm.redfish.RedfishPaths.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.power.PowerAction;
import org.passkvm.power.PowerControl;
import org.passkvm.power.PowerState;

/** The service root and what it leads to: the host as ComputerSystem and Chassis, and PassKVM as its Manager. */
final class HostResources {

    private final PowerControl power;
    private final String uuid;
    private final String version;

    HostResources(PowerControl power, String uuid) {
        this.power = power;
        this.uuid = uuid;
        String v = HostResources.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
    }

    Map<String, Object> serviceRoot() {
        Map<String, Object> m = header(ROOT + "/", "#ServiceRoot.v1_11_0.ServiceRoot", "ServiceRoot.ServiceRoot");
        m.put("Id", "RootService");
        m.put("Name", "PassKVM Redfish Service");
        m.put("RedfishVersion", "1.11.0");
        m.put("UUID", uuid);
        m.put("Product", "PassKVM");
        m.put("Vendor", "PassKVM");
        m.put("Systems", link(SYSTEMS));
        m.put("Chassis", link(CHASSIS_COLLECTION));
        m.put("Managers", link(MANAGERS));
        m.put("SessionService", link(SESSION_SERVICE));
        m.put("Links", Map.of("Sessions", link(SESSIONS)));
        return m;
    }

    Map<String, Object> system() {
        PowerState s = power.state();
        Map<String, Object> m = header(SYSTEM, "#ComputerSystem.v1_13_0.ComputerSystem", "ComputerSystem.ComputerSystem");
        m.put("Id", SYSTEM_ID);
        m.put("Name", "Host");
        m.put("Description", "The computer whose front panel, keyboard, mouse and screen PassKVM is wired to");
        m.put("SystemType", "Physical");
        m.put("PowerState", powerState(s));
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        Map<String, Object> reset = new LinkedHashMap<>();
        reset.put("target", RESET);
        reset.put("ResetType@Redfish.AllowableValues", List.copyOf(ResetAction.RESET_TYPES.keySet()));
        m.put("Actions", Map.of("#ComputerSystem.Reset", reset));
        m.put("Links", Map.of("ManagedBy", List.of(link(MANAGER)), "Chassis", List.of(link(CHASSIS))));
        return m;
    }

    /** The host's case: the same power state; only here so tools that walk Chassis find the host. */
    Map<String, Object> chassis() {
        Map<String, Object> m = header(CHASSIS, "#Chassis.v1_14_0.Chassis", "Chassis.Chassis");
        m.put("Id", SYSTEM_ID);
        m.put("Name", "Host chassis");
        m.put("ChassisType", "Other");
        m.put("PowerState", powerState(power.state()));
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        m.put("Links", Map.of("ComputerSystems", List.of(link(SYSTEM)), "ManagedBy", List.of(link(MANAGER))));
        return m;
    }

    /** From the power LED; while an action is being pressed, the direction it is going. */
    static String powerState(PowerState s) {
        if (s.busy() == PowerAction.ON && !s.on()) {
            return "PoweringOn";
        }
        if ((s.busy() == PowerAction.OFF || s.busy() == PowerAction.OFF_HARD) && s.on()) {
            return "PoweringOff";
        }
        return s.on() ? "On" : "Off";
    }

    Map<String, Object> manager() {
        Map<String, Object> m = header(MANAGER, "#Manager.v1_10_0.Manager", "Manager.Manager");
        m.put("Id", MANAGER_ID);
        m.put("Name", "PassKVM");
        m.put("ManagerType", "BMC");
        m.put("Description", "PassKVM KVM-over-IP appliance");
        m.put("FirmwareVersion", version);
        m.put("UUID", uuid);
        m.put("PowerState", "On");
        m.put("Status", Map.of("State", "Enabled", "Health", "OK"));
        m.put("Links", Map.of("ManagerForServers", List.of(link(SYSTEM)), "ManagerForChassis", List.of(link(CHASSIS))));
        return m;
    }
}
