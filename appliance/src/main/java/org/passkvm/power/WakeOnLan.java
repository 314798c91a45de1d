package org.passkvm.power;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;

/**
 * Sends the Wake-on-LAN magic packet: six 0xFF bytes, then the target's MAC sixteen times, in one
 * UDP datagram to a broadcast address (the sleeping NIC answers to its MAC, not to an IP).
 */
public final class WakeOnLan {

    private final byte[] mac;
    private final InetSocketAddress to;

    /**
     * @param mac six bytes written as aa:bb:cc:dd:ee:ff or aa-bb-…
     * @throws IllegalArgumentException when the MAC or the address is malformed
     */
    public WakeOnLan(String mac, String broadcast, int port) {
        this.mac = parseMac(mac);
        try {
            this.to = new InetSocketAddress(InetAddress.getByName(broadcast), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("broadcast address '" + broadcast + "' is not an address");
        }
    }

    public static byte[] parseMac(String text) {
        String hex = text == null ? "" : text.trim().replace(":", "").replace("-", "");
        if (!hex.matches("[0-9A-Fa-f]{12}")) {
            throw new IllegalArgumentException("MAC address must be six hex bytes like 52:54:00:12:34:56, got '" + text + "'");
        }
        return HexFormat.of().parseHex(hex);
    }

    public static byte[] magicPacket(byte[] mac) {
        byte[] p = new byte[6 + 16 * 6];
        java.util.Arrays.fill(p, 0, 6, (byte) 0xFF);
        for (int i = 0; i < 16; i++) {
            System.arraycopy(mac, 0, p, 6 + i * 6, 6);
        }
        return p;
    }

    public void send() throws IOException {
        byte[] p = magicPacket(mac);
        try (DatagramSocket s = new DatagramSocket()) {
            s.setBroadcast(true);
            s.send(new DatagramPacket(p, p.length, to));
        }
    }

    public String mac() {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    public InetSocketAddress target() {
        return to;
    }
}
