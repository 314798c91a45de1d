/**
 * The embedded default: a simulated target PC. It reads PassKVM's HID reports as a USB host
 * would, draws its screen into the normal video path and answers the ATX header, so the whole
 * console works on a laptop with no hardware and tests can drive it end to end.
 */
package org.passkvm.simulator;
