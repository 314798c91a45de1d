package org.passkvm.hid.gadget;

/**
 * The target's side of the USB link as the device controller sees it (/sys/class/udc/NAME/state, the kernel's
 * usb_device_state names), plus UNBOUND when our gadget is not bound to the controller at all.
 */
public enum UsbHostState {
    /** The host enumerated the gadget and polls it: reports flow. */
    CONFIGURED("configured"),
    /** The host put the bus to sleep (target in standby): reports wait. */
    SUSPENDED("suspended"),
    /** No host on the cable (target off or unplugged). */
    NOT_ATTACHED("not attached"),
    /** Plugged in and enumerating (attached, powered, default, addressed, reconnecting). */
    CONNECTING("connecting"),
    /** Our gadget is not bound to the controller. */
    UNBOUND("unbound");

    private final String label;

    UsbHostState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static UsbHostState fromSysfs(String state) {
        return switch (state.strip()) {
            case "configured" -> CONFIGURED;
            case "suspended" -> SUSPENDED;
            case "not attached", "" -> NOT_ATTACHED;
            default -> CONNECTING;
        };
    }
}
