/** HID reports in their wire form, byte for byte what a USB host reads from the gadget. */
package org.passkvm.hid.report;
