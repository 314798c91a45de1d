package org.passkvm.ipmi;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.power.DemoPower;

/**
 * Issue 21, finding 8, as a measurement: Open Session requests as fast as one thread can send them,
 * from one source (127.0.0.2) or rotating over 250 sources (127.0.0.2–251: a spoofing flooder),
 * while real ipmitool logins run from 127.0.0.1. Prints the flood's rate, the BMC's answers and how
 * many logins worked. Not a test: run it by hand, see SECURITY.md.
 *
 * <p>Arguments: [seconds] [logins] [one|many] [packets per second, 0 = as fast as possible]
 */
public final class IpmiFloodBenchmark {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int logins = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        boolean many = args.length > 2 && args[2].equals("many");
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Path dir = Files.createTempDirectory("ipmi-flood");
        try (TestAppliance app = DemoPower.start(dir)) {
            byte[] open = openSession();
            InetSocketAddress bmc = new InetSocketAddress(InetAddress.getLoopbackAddress(), app.ipmiPort());
            List<DatagramSocket> sockets = new ArrayList<>();
            for (int i = 0; i < (many ? 250 : 1); i++) {
                DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0." + (2 + i)));
                s.setSoTimeout(100);
                sockets.add(s);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            AtomicLong answered = new AtomicLong();
            Thread flood = new Thread(() -> {
                int i = 0;
                long began = System.nanoTime();
                while (running.get()) {
                    try {
                        if (rate > 0) {
                            while (sent.get() > (System.nanoTime() - began) / 1e9 * rate) {
                                Thread.onSpinWait();
                            }
                        }
                        sockets.get(i++ % sockets.size()).send(new DatagramPacket(open, open.length, bmc));
                        sent.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            List<Thread> readers = new ArrayList<>();
            for (DatagramSocket s : sockets.subList(0, Math.min(4, sockets.size()))) {
                Thread r = new Thread(() -> {
                    byte[] buf = new byte[512];
                    while (running.get()) {
                        try {
                            s.receive(new DatagramPacket(buf, buf.length));
                            answered.incrementAndGet();
                        } catch (SocketTimeoutException e) {
                            // keep listening
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                r.start();
                readers.add(r);
            }
            long start = System.nanoTime();
            flood.start();
            int ok = 0;
            long perLogin = seconds * 1_000_000_000L / logins;
            for (int i = 0; i < logins; i++) {
                while (System.nanoTime() - start < i * perLogin) {
                    Thread.sleep(10); // pacing the logins over the flood, not waiting for time to pass in a test
                }
                DemoPower.Result r = DemoPower.run(List.of("ipmitool", "-I", "lanplus", "-C", "17", "-H", "127.0.0.1", "-p",
                        Integer.toString(app.ipmiPort()), "-U", "admin", "-P", DemoPower.IPMI_PASSWORD, "-N", "1", "-R", "2",
                        "chassis", "power", "status"), java.time.Duration.ofSeconds(30));
                if (r.output().contains("Chassis Power is")) {
                    ok++;
                } else {
                    System.out.println("login " + i + " failed: " + r.output().replace('\n', ' '));
                }
            }
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                Thread.sleep(10);
            }
            running.set(false);
            flood.join();
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("flood from %s: %.0f Open Session/s sent, %.0f/s answered (answers read on %d of the sources); "
                    + "logins from 127.0.0.1: %d of %d worked%n", many ? "250 sources" : "one source", sent.get() / secs,
                    answered.get() / secs, readers.size(), ok, logins);
            for (DatagramSocket s : sockets) {
                s.close();
            }
        }
    }

    /** RMCP+ Open Session for suite 3, session 0. */
    static byte[] openSession() {
        byte[] open = new byte[16 + 32];
        byte[] head = {0x06, 0x00, (byte) 0xFF, 0x07, 0x06, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0};
        System.arraycopy(head, 0, open, 0, head.length);
        byte[] payload = {0, 4, 0, 0, 1, 2, 3, 4, 0, 0, 0, 8, 1, 0, 0, 0, 1, 0, 0, 8, 1, 0, 0, 0, 2, 0, 0, 8, 1, 0, 0, 0};
        System.arraycopy(payload, 0, open, 16, payload.length);
        return open;
    }
}
