/**
 * The VNC server: the target's screen and input for standard viewers and gateways (Apache Guacamole).
 * {@link org.passkvm.vnc.RfbDecoder} and {@link org.passkvm.vnc.ServerMessages} are the RFB codec (RFC 6143 plus the
 * common extensions); {@link org.passkvm.vnc.VncSession} is the logic; the rectangle encoders turn the shared
 * {@link org.passkvm.vnc.Screen} into each client's pixel format and encoding. {@link org.passkvm.vnc.VncWebSocket} carries
 * the same sessions over the web login's WebSocket for noVNC, and {@link org.passkvm.vnc.H264Updates} gives them the
 * console's H.264 stream (Open H.264). {@link org.passkvm.vnc.RfbClient} is the other direction on the same codec
 * ({@link org.passkvm.vnc.ClientMessages} writes what the decoder reads): PassKVM reading a VM's VNC console.
 */
package org.passkvm.vnc;
