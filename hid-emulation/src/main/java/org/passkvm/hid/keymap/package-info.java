/** From what the browser calls a key (W3C KeyboardEvent.code) or a character to HID keyboard usages. */
package org.passkvm.hid.keymap;
