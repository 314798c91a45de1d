/**
 * The VNC server: the target's screen and input for standard viewers and gateways (Apache Guacamole).
 * {@link org.passkvm.vnc.RfbDecoder} and {@link org.passkvm.vnc.ServerMessages} are the RFB codec (RFC 6143 plus the
 * common extensions); {@link org.passkvm.vnc.VncSession} is the logic; the rectangle encoders turn the shared
 * {@link org.passkvm.vnc.Screen} into each client's pixel format and encoding.
 */
package org.passkvm.vnc;
