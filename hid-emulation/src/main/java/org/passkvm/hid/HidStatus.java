package org.passkvm.hid;

/**
 * What the console shows about the input path.
 *
 * @param hostState the host's USB state as the device controller reports it ("configured",
 *     "suspended", "not attached"), or the serial link's state for CH9329
 * @param keyboardOnline the last keyboard report reached the host
 * @param mouseOnline the last mouse report reached the host
 */
public record HidStatus(String hostState, boolean keyboardOnline, boolean mouseOnline, KeyboardLeds leds) {}
