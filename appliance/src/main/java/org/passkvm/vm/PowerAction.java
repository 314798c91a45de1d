package org.passkvm.vm;

/** What can be done to a VM's power. SHUTDOWN only asks the guest (ACPI); DESTROY pulls the plug. */
public enum PowerAction {
    START, SHUTDOWN, DESTROY, REBOOT, RESET
}
