/** Paste as keystrokes: a text typed into the target through its keyboard, one job at a time, abortable. */
package org.passkvm.hid.paste;
