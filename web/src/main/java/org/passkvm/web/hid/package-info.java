/** Keyboard and mouse from the console and from scripts: the input WebSocket and the HID REST API. */
package org.passkvm.web.hid;
