/**
 * IPMI over LAN on UDP (Netty): RMCP and ASF framing, IPMI 1.5 sessions with MD5, IPMI 2.0 RMCP+ with
 * RAKP and cipher suites 3 and 17, and the App and Chassis commands that ipmitool's "chassis power" uses.
 */
package org.passkvm.ipmi;
