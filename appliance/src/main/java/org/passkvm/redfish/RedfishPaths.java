package org.passkvm.redfish;

/** The URIs of the resources this service has. */
final class RedfishPaths {

    static final String ROOT = "/redfish/v1";
    static final String SYSTEMS = ROOT + "/Systems";
    static final String SYSTEM_ID = "host";
    static final String SYSTEM = SYSTEMS + "/" + SYSTEM_ID;
    static final String RESET = SYSTEM + "/Actions/ComputerSystem.Reset";
    static final String CHASSIS_COLLECTION = ROOT + "/Chassis";
    static final String CHASSIS = CHASSIS_COLLECTION + "/" + SYSTEM_ID;
    static final String MANAGERS = ROOT + "/Managers";
    static final String MANAGER_ID = "passkvm";
    static final String MANAGER = MANAGERS + "/" + MANAGER_ID;
    static final String SESSION_SERVICE = ROOT + "/SessionService";
    static final String SESSIONS = SESSION_SERVICE + "/Sessions";

    private RedfishPaths() {}
}
