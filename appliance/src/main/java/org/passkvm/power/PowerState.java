package org.passkvm.power;

/**
 * What the front panel shows right now.
 *
 * @param on the power LED is lit
 * @param hddActive the HDD LED is lit
 * @param busy the action being pressed, or null
 * @param atx which header implementation runs: "gpio" or "demo"
 */
public record PowerState(boolean on, boolean hddActive, PowerAction busy, String atx) {}
