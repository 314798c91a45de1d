package org.passkvm.ipmi;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between ipmitool and the BMC, from a chosen source address, that records what the client sent and can deliver
 * every in-session packet twice, as a replaying attacker on the wire would. (Handshake messages
 * are not duplicated: RAKP's fresh random numbers, not sequence numbers, protect those.)
 */
final class UdpTap implements AutoCloseable {

    final List<byte[]> fromClient = new CopyOnWriteArrayList<>();
    final AtomicInteger authenticatedRequests = new AtomicInteger();
    final AtomicInteger authenticatedAnswers = new AtomicInteger();
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final boolean duplicate;
    private volatile SocketAddress client;
    private final Thread up;
    private final Thread down;

    UdpTap(int bmcPort, boolean duplicate) throws IOException {
        this(bmcPort, duplicate, InetAddress.getLoopbackAddress());
    }

    /** A relay whose packets reach the BMC from {@code source} (127.0.0.2, …): ipmitool has no option to pick one. */
    UdpTap(int bmcPort, boolean duplicate, InetAddress source) throws IOException {
        this.duplicate = duplicate;
        front = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        back = new DatagramSocket(0, source);
        back.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), bmcPort));
        up = new Thread(this::up, "tap-up");
        down = new Thread(this::down, "tap-down");
        up.setDaemon(true);
        down.setDaemon(true);
        up.start();
        down.start();
    }

    int port() {
        return front.getLocalPort();
    }

    /** RMCP+ with the "authenticated" bit: a packet inside a session. */
    static boolean authenticated(byte[] p) {
        return p.length > 5 && p[3] == 0x07 && p[4] == 0x06 && (p[5] & 0x40) != 0;
    }

    private void up() {
        byte[] buf = new byte[2048];
        while (!front.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                front.receive(p);
                client = p.getSocketAddress();
                byte[] data = Arrays.copyOf(p.getData(), p.getLength());
                fromClient.add(data);
                if (authenticated(data)) {
                    authenticatedRequests.incrementAndGet();
                }
                back.send(new DatagramPacket(data, data.length));
                if (duplicate && authenticated(data)) {
                    back.send(new DatagramPacket(data, data.length));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void down() {
        byte[] buf = new byte[2048];
        while (!back.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                back.receive(p);
                byte[] data = Arrays.copyOf(p.getData(), p.getLength());
                if (authenticated(data)) {
                    authenticatedAnswers.incrementAndGet();
                }
                if (client != null) {
                    front.send(new DatagramPacket(data, data.length, client));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        front.close();
        back.close();
    }
}
