/**
 * Keyboard and mouse through a WCH CH9329 serial-to-USB-HID chip, for boards without a USB device port: frames
 * (0x57 0xAB header, address, command, length, data, sum) and a non-blocking output over one serial line.
 */
package org.passkvm.hid.serial;
