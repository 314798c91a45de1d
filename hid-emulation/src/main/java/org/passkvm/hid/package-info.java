/** The target's keyboard and mice: what PassKVM types and points, whichever wire carries it. */
package org.passkvm.hid;
