package org.passkvm.hid.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.testkit.Await;

/**
 * Report in → whole frame at the chip, over a socat pty pair: {@link Ch9329Hid} (queue, writer thread, reply check)
 * side by side with the floor, the same frame written straight to the port by the caller. Not a test; run by hand:
 * see BENCHMARKS.md.
 */
public final class Ch9329LatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int pauseMicros = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path dir = Files.createTempDirectory("ch9329-bench");
        try (PtyPair pty = new PtyPair(dir).plug(); FakeChip chip = new FakeChip(pty.chip.toString())) {
            // The caller blocks on this queue (no spinning: on a small machine a spinning caller starves the threads it
            // waits for, and it would do so unequally for the two paths).
            LinkedBlockingQueue<Long> arrived = new LinkedBlockingQueue<>();
            chip.onFrame = f -> {
                if (f[3] == Ch9329Frame.CMD_SEND_KB_GENERAL_DATA) {
                    arrived.add(System.nanoTime());
                }
            };
            long[] direct = direct(pty.host.toString(), arrived, events, pauseMicros);
            long[] ours;
            try (Ch9329Hid hid = new Ch9329Hid(Ch9329Hid.Settings.of(pty.host.toString(), 115200))) {
                Await.until(Duration.ofSeconds(10), () -> hid.link() == Ch9329Hid.Link.UP, "the CH9329 link up");
                ours = measure(arrived, events, pauseMicros, i -> hid.keyboard(KeyboardReport.of(0, 0x04 + i % 26)));
            }
            report("direct write (floor)", direct, null);
            report("Ch9329Hid", ours, direct);
        }
    }

    interface Event {
        void send(int i) throws Exception;
    }

    private static long[] direct(String path, LinkedBlockingQueue<Long> arrived, int events, int pauseMicros) throws Exception {
        SerialPort port = SerialPort.getCommPort(path);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 20, 0);
        port.openPort();
        byte[][] frames = new byte[26][];
        for (int i = 0; i < 26; i++) {
            frames[i] = Ch9329Frame.keyboard(KeyboardReport.of(0, 0x04 + i));
        }
        byte[] reply = new byte[7];
        try {
            return measure(arrived, events, pauseMicros, i -> {
                port.writeBytes(frames[i % 26], frames[i % 26].length);
                int got = 0;
                while (got < reply.length) {
                    got += Math.max(0, port.readBytes(reply, reply.length - got, got));
                }
            });
        } finally {
            port.closePort();
        }
    }

    private static long[] measure(LinkedBlockingQueue<Long> arrived, int events, int pauseMicros, Event event) throws Exception {
        int warmup = events / 5;
        long[] latencies = new long[events];
        for (int i = -warmup; i < events; i++) {
            arrived.clear();
            long start = System.nanoTime();
            event.send(i + warmup);
            Long at = arrived.poll(2, TimeUnit.SECONDS);
            if (i >= 0) {
                latencies[i] = at == null ? TimeUnit.SECONDS.toNanos(2) : at - start;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros));
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static void report(String name, long[] sorted, long[] reference) {
        String line = String.format("%-22s p50 %6.1f us  p99 %7.1f us  max %8.1f us", name,
                at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1] / 1000.0);
        if (reference != null) {
            line += String.format("   ratio p50 %.2f  p99 %.2f", at(sorted, 0.50) / at(reference, 0.50),
                    at(sorted, 0.99) / at(reference, 0.99));
        }
        System.out.println(line);
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1000.0;
    }

    private Ch9329LatencyBenchmark() {}

}
