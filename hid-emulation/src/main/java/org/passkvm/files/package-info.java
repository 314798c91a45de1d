/**
 * The appliance's state files, written so a power cut never leaves half of one. Not HID code: it lives in this module
 * because it is the lowest one that both web (accounts, tokens, certificate) and the appliance depend on.
 */
package org.passkvm.files;
