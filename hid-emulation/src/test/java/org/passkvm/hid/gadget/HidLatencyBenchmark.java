package org.passkvm.hid.gadget;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.passkvm.hid.HidInput;

/**
 * Input event in → report out, on loopback: HidInput → GadgetHid → ReportWriter → O_NONBLOCK write on a named pipe
 * standing in for /dev/hidgN, timed until a reader blocked in poll() on the pipe's other end has the whole report
 * (so it includes the writer thread's wake-up and the reader's, as a USB host's poll would). Events are paced like
 * fast typing / a 1 kHz mouse, not fired back to back. Not a test: run it by hand (see BENCHMARKS.md).
 *
 * <p>Arguments: [events per kind, default 20000] [pause between events in microseconds, default 1000]
 */
public final class HidLatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        long pauseNanos = (args.length > 1 ? Long.parseLong(args[1]) : 1000) * 1000;
        Path dir = Files.createTempDirectory("hid-bench");
        try (Fifo keyboard = new Fifo(dir.resolve("hidg0")).openReader();
             Fifo mouse = new Fifo(dir.resolve("hidg1")).openReader()) {
            Map<HidFunction, Path> nodes = new LinkedHashMap<>();
            nodes.put(HidFunction.keyboard(), keyboard.path);
            nodes.put(HidFunction.absoluteMouse(true), mouse.path);
            try (GadgetHid hid = GadgetHid.onDevices(nodes, Optional.empty())) {
                HidInput input = new HidInput(hid);
                System.out.printf("HID loopback latency, %d events per kind, %d us apart, %s, %d CPUs%n", events,
                    pauseNanos / 1000, System.getProperty("java.vm.name") + " " + Runtime.version(),
                    Runtime.getRuntime().availableProcessors());
                measure("warm-up", events / 2, pauseNanos, keyboard.path, 8, i -> keyEvent(input, i));
                measure("key down/up -> keyboard report", events, pauseNanos, keyboard.path, 8,
                    i -> keyEvent(input, i));
                measure("warm-up", events / 2, pauseNanos, mouse.path, 7, i -> input.moveTo(i % 32768, 100));
                measure("absolute move -> mouse report", events, pauseNanos, mouse.path, 7,
                    i -> input.moveTo(i % 32768, 100));
            }
        }
    }

    private static void keyEvent(HidInput input, int i) {
        if (i % 2 == 0) {
            input.keyDown(0x04);
        } else {
            input.keyUp(0x04);
        }
    }

    private interface Event {
        void fire(int i);
    }

    private static void measure(String name, int events, long pauseNanos, Path device, int length, Event event) {
        long[] latency = new long[events];
        long[] callCost = new long[events];
        Memory pollFd = new Memory(8);
        int fd = Libc.open(device.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK);
        byte[] report = new byte[length];
        try {
            for (int i = 0; i < events; i++) {
                long start = System.nanoTime();
                event.fire(i);
                callCost[i] = System.nanoTime() - start;
                int have = 0;
                while (have < length) {
                    pollFd.setInt(0, fd);
                    pollFd.setShort(4, Libc.POLLIN);
                    pollFd.setShort(6, (short) 0);
                    Libc.poll(pollFd, 1, 1000);
                    try {
                        have += (int) Libc.read(fd, report, length - have);
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() != Libc.EAGAIN) {
                            throw e;
                        }
                    }
                }
                latency[i] = System.nanoTime() - start;
                LockSupport.parkNanos(pauseNanos);
            }
        } finally {
            Libc.close(fd);
        }
        if (!name.equals("warm-up")) {
            System.out.printf("%-32s in->out p50 %s  p99 %s  p99.9 %s  max %s | caller blocked p50 %s  p99 %s%n",
                name, us(latency, 50), us(latency, 99), us(latency, 99.9), us(latency, 100), us(callCost, 50),
                us(callCost, 99));
        }
    }

    private static String us(long[] nanos, double percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return String.format("%6.1f us", sorted[Math.max(0, index)] / 1000.0);
    }
}
