/** The target's power: ATX buttons and LEDs, Wake-on-LAN, and the actions built on them. */
package org.passkvm.power;
