/**
 * From what the browser calls a key (W3C KeyboardEvent.code) or a character to HID keyboard usages: the key
 * code table, and per-layout tables (layouts/*.keys) that turn text into keystrokes and keystrokes back into text.
 */
package org.passkvm.hid.keymap;
