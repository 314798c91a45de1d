/** Macros: a named sequence of keys, text, mouse moves and waits, written as text or recorded, replayed as one job. */
package org.passkvm.hid.macro;
