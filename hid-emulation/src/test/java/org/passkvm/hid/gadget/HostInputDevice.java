package org.passkvm.hid.gadget;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.passkvm.testkit.Await;

/**
 * The target's view of our gadget inside the test VM: the evdev node the host side of dummy_hcd created for one of
 * the gadget's interfaces. Reads struct input_event (24 bytes on x86_64) on a background thread.
 */
final class HostInputDevice implements AutoCloseable {

    static final int EV_SYN = 0;
    static final int EV_KEY = 1;
    static final int EV_REL = 2;
    static final int EV_ABS = 3;
    static final int EV_LED = 0x11;
    private static final int EVENT_SIZE = 24;

    record Event(int type, int code, int value) {
        @Override
        public String toString() {
            return type + ":" + code + "=" + value;
        }
    }

    /** One block of /proc/bus/input/devices. */
    record Listing(String name, String phys, String handlers, String text) {
        Optional<Path> eventNode() {
            for (String h : handlers.split("\\s+")) {
                if (h.startsWith("event")) {
                    return Optional.of(Path.of("/dev/input", h));
                }
            }
            return Optional.empty();
        }

        /** A capability bitmap line, e.g. bitmap("REL") for "B: REL=1943". */
        long bitmap(String kind) {
            for (String line : text.split("\n")) {
                if (line.startsWith("B: " + kind + "=")) {
                    String[] words = line.substring(line.indexOf('=') + 1).trim().split(" ");
                    return Long.parseLong(words[words.length - 1], 16);
                }
            }
            return 0;
        }
    }

    private final Path node;
    private final FileInputStream in;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private HostInputDevice(Path node) throws IOException {
        this.node = node;
        this.in = new FileInputStream(node.toFile());
        Thread reader = new Thread(this::readLoop, "evdev-" + node.getFileName());
        reader.setDaemon(true);
        reader.start();
    }

    static List<Listing> listings() throws IOException {
        List<Listing> all = new ArrayList<>();
        for (String block : Files.readString(Path.of("/proc/bus/input/devices")).split("\n\n")) {
            String name = "";
            String phys = "";
            String handlers = "";
            for (String line : block.split("\n")) {
                if (line.startsWith("N: Name=")) {
                    name = line.substring(8).replace("\"", "");
                } else if (line.startsWith("P: Phys=")) {
                    phys = line.substring(8);
                } else if (line.startsWith("H: Handlers=")) {
                    handlers = line.substring(12);
                }
            }
            all.add(new Listing(name, phys, handlers, block));
        }
        return all;
    }

    /** The listing of our gadget's interface number {@code index} on the host side, once it exists. */
    static Listing await(int index, Duration timeout) {
        // The value awaited is the whole listing, so a failure shows what the host side did have.
        List<Listing> all = Await.value(timeout, HostInputDevice::listings, ls -> ours(ls, index).isPresent(),
            "host side input device for interface " + index);
        return ours(all, index).orElseThrow();
    }

    private static Optional<Listing> ours(List<Listing> listings, int index) {
        return listings.stream().filter(l -> l.phys().contains("dummy_hcd") && l.phys().endsWith("/input" + index)
            && l.eventNode().filter(Files::exists).isPresent()).findFirst();
    }

    static boolean anyDummyHcdDevice() throws IOException {
        return listings().stream().anyMatch(l -> l.phys().contains("dummy_hcd"));
    }

    static HostInputDevice open(int index, Duration timeout) throws IOException, InterruptedException {
        return new HostInputDevice(await(index, timeout).eventNode().orElseThrow());
    }

    private void readLoop() {
        byte[] buf = new byte[EVENT_SIZE * 64];
        int have = 0;
        try {
            while (true) {
                int n = in.read(buf, have, buf.length - have);
                if (n < 0) {
                    return;
                }
                have += n;
                int whole = have / EVENT_SIZE * EVENT_SIZE;
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, whole).order(ByteOrder.nativeOrder());
                for (int off = 0; off < whole; off += EVENT_SIZE) {
                    events.add(new Event(bb.getShort(off + 16) & 0xFFFF, bb.getShort(off + 18) & 0xFFFF,
                        bb.getInt(off + 20)));
                }
                System.arraycopy(buf, whole, buf, 0, have - whole);
                have -= whole;
            }
        } catch (IOException e) {
            // the device went away (unbound gadget): stop reading
        }
    }

    /** The next {@code count} events matching {@code filter} (others are skipped), or fewer after the timeout. */
    List<Event> next(int count, Predicate<Event> filter, Duration timeout) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                break;
            }
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Everything that arrives within {@code window}, without the EV_SYN separators. */
    List<Event> collect(Duration window) throws InterruptedException {
        return next(Integer.MAX_VALUE, e -> e.type() != EV_SYN, window);
    }

    /** Sends an event to the device as the host's input layer would (EV_LED makes usbhid send an output report). */
    void send(int type, int code, int value) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(EVENT_SIZE * 2).order(ByteOrder.nativeOrder());
        bb.putLong(0).putLong(0).putShort((short) type).putShort((short) code).putInt(value);
        bb.putLong(0).putLong(0).putShort((short) EV_SYN).putShort((short) 0).putInt(0);
        try (FileOutputStream out = new FileOutputStream(node.toFile())) {
            out.write(bb.array());
        }
    }

    /** Key codes the kernel currently holds down on this device (EVIOCGKEY). */
    List<Integer> pressedKeys() {
        int len = 0x2ff / 8 + 1; // KEY_MAX / 8 + 1
        byte[] bits = new byte[len];
        long request = (2L << 30) | ((long) len << 16) | ('E' << 8) | 0x18; // _IOR('E', 0x18, len)
        int fd = Ioctl.open(node.toString(), 0);
        try {
            Ioctl.ioctl(fd, request, bits);
        } finally {
            Ioctl.close(fd);
        }
        List<Integer> down = new ArrayList<>();
        for (int code = 0; code < len * 8; code++) {
            if ((bits[code / 8] & (1 << (code % 8))) != 0) {
                down.add(code);
            }
        }
        return down;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** ioctl, which Libc (main code) has no use for. */
    static final class Ioctl {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static native int open(String path, int flags) throws LastErrorException;

        static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }
}
