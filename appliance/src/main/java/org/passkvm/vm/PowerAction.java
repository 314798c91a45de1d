package org.passkvm.vm;

/**
 * What can be done to a VM's power. SHUTDOWN only asks the guest (ACPI); DESTROY pulls the plug. START_PAUSED starts it
 * with its CPUs stopped: its devices are set up (a passed-through GPU is bound to vfio-pci) but the guest does not run yet.
 */
public enum PowerAction {
    START, START_PAUSED, SHUTDOWN, DESTROY, REBOOT, RESET
}
