package org.passkvm.hid.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.passkvm.hid.HidOutput;
import org.passkvm.hid.HidStatus;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.hid.report.RelativeMouseReport;
import org.tinylog.Logger;

/**
 * Keyboard and mice through a CH9329 on a serial port. Callers never wait: reports become frames on a queue that
 * one writer thread sends, checking each reply (and resending after a checksum or timeout failure). While the chip
 * answers, frames go in order, so typing loses no keystroke; consecutive absolute moves with the same buttons merge.
 * When the port disappears or the chip stops answering, the queue is replaced by "all released" and from then on
 * only the latest keyboard and mouse state is kept, sent when the chip is back. The writer polls CMD_GET_INFO for
 * the host's USB state and the keyboard LEDs. The chip has no mass storage: {@link #supportsMassStorage()}.
 */
public final class Ch9329Hid implements HidOutput {

    /**
     * @param port the serial device, e.g. /dev/ttyAMA0 or /dev/ttyUSB0
     * @param baud the chip's configured rate (9600 out of the factory)
     * @param replyTimeout how long to wait for each reply
     * @param infoInterval how often to ask the chip for USB state and LEDs when idle
     * @param reconnectInterval how often to retry a missing port or a silent chip
     */
    public record Settings(String port, int baud, Duration replyTimeout, Duration infoInterval, Duration reconnectInterval) {
        public static Settings of(String port, int baud) {
            return new Settings(port, baud, Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1));
        }
    }

    public enum Link { CONNECTING, PORT_MISSING, NOT_ANSWERING, UP }

    private static final int QUEUE_LIMIT = 64;
    private static final int ATTEMPTS = 3;
    /** Timeouts in a row after which the chip counts as gone (one lost reply is line noise). */
    private static final int SILENT_AFTER = 2;
    private static final int READ_SLICE_MS = 20;
    private static final byte[] RELEASED_KEYBOARD = Ch9329Frame.keyboard(KeyboardReport.EMPTY);
    private static final byte[] RELEASED_MOUSE = Ch9329Frame.relativeMouse(new RelativeMouseReport(0, 0, 0, 0));
    private static final byte[] GET_INFO = Ch9329Frame.getInfo();

    private final Settings settings;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private byte[] lastKeyboard;
    private byte[] lastMouse;
    private final List<Consumer<KeyboardLeds>> ledListeners = new CopyOnWriteArrayList<>();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile Link link = Link.CONNECTING;
    private volatile boolean hostAttached;
    private volatile KeyboardLeds leds = KeyboardLeds.OFF;
    private volatile int chipVersion = -1;
    private volatile long framesSent;
    private volatile long errors;
    private volatile String lastError;
    private SerialPort port;
    private int silentReplies;
    private long nextInfoAt;
    private final byte[] header = new byte[5];
    private final byte[] body = new byte[256];

    public Ch9329Hid(Settings settings) {
        this.settings = settings;
        this.writer = new Thread(this::run, "ch9329-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** The wait per keystroke a paste needs so that its reports never outrun this serial line (see Typist). */
    public static int minPasteDelayMillis(int baud) {
        // A keyboard frame (14 bytes) and its reply (7) at 10 bits per byte; a keystroke is four reports, sent
        // during the 1.5 delays a keystroke takes.
        double reportMillis = 21 * 10 * 1000.0 / baud;
        return (int) Math.ceil(reportMillis * 4 / 1.5);
    }

    /** {@link #minPasteDelayMillis(int)} for this chip's baud rate. */
    public int minPasteDelayMillis() {
        return minPasteDelayMillis(settings.baud());
    }

    @Override
    public String kind() {
        return "ch9329";
    }

    /** A CH9329 is only a keyboard and mouse: virtual media needs the USB gadget. */
    public boolean supportsMassStorage() {
        return false;
    }

    @Override
    public void keyboard(KeyboardReport report) {
        submit(Ch9329Frame.keyboard(report), true);
    }

    @Override
    public void absoluteMouse(AbsoluteMouseReport report) {
        submit(Ch9329Frame.absoluteMouse(report), false);
    }

    @Override
    public void relativeMouse(RelativeMouseReport report) {
        submit(Ch9329Frame.relativeMouse(report), false);
    }

    @Override
    public HidStatus status() {
        boolean up = link == Link.UP && hostAttached;
        return new HidStatus(hostState(), up, up, leds);
    }

    /** For /api/health: the serial side of the story. */
    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", settings.port());
        m.put("baud", settings.baud());
        m.put("link", link.name().toLowerCase());
        m.put("chipVersion", chipVersion < 0 ? null : String.format("0x%02X", chipVersion));
        m.put("framesSent", framesSent);
        m.put("errors", errors);
        m.put("lastError", lastError);
        m.put("massStorage", "not available on CH9329");
        return m;
    }

    public Link link() {
        return link;
    }

    @Override
    public void onLeds(Consumer<KeyboardLeds> listener) {
        ledListeners.add(listener);
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closePort();
    }

    private String hostState() {
        return switch (link) {
            case CONNECTING -> "connecting";
            case PORT_MISSING -> "serial port missing";
            case NOT_ANSWERING -> "CH9329 not answering";
            case UP -> hostAttached ? "configured" : "not attached";
        };
    }

    // ---- the queue: callers' side ----

    private void submit(byte[] frame, boolean keyboard) {
        synchronized (queue) {
            if (keyboard) {
                lastKeyboard = frame;
            } else {
                lastMouse = frame;
            }
            if (link != Link.UP || queue.size() >= QUEUE_LIMIT) {
                collapse();
            } else if (!keyboard && isSameButtonsMove(queue.peekLast(), frame)) {
                queue.pollLast(); // the host only needs the newest position
                queue.addLast(frame);
            } else {
                queue.addLast(frame);
            }
        }
        LockSupport.unpark(writer);
    }

    /** Keeps only the latest keyboard and mouse state. Call with the queue's lock held. */
    private void collapse() {
        queue.clear();
        if (lastKeyboard != null) {
            queue.addLast(lastKeyboard);
        }
        if (lastMouse != null) {
            // A relative move is a change, not a state: replaying it later would move the pointer again.
            queue.addLast(lastMouse[3] == Ch9329Frame.CMD_SEND_MS_REL_DATA
                    ? Ch9329Frame.relativeMouse(new RelativeMouseReport(lastMouse[6] & 0xFF, 0, 0, 0)) : lastMouse);
        }
    }

    /** An absolute move that only changes the position replaces one still waiting (relative moves add up: never). */
    private static boolean isSameButtonsMove(byte[] queued, byte[] frame) {
        return queued != null && frame[3] == Ch9329Frame.CMD_SEND_MS_ABS_DATA && queued[3] == frame[3]
                && queued[6] == frame[6] && queued[11] == 0 && frame[11] == 0;
    }

    // ---- the writer thread ----

    private void run() {
        while (running) {
            try {
                if (port == null && !open()) {
                    setLink(Link.PORT_MISSING, "cannot open " + settings.port());
                    park(settings.reconnectInterval().toMillis());
                    continue;
                }
                if (link != Link.UP) {
                    probe();
                    continue;
                }
                byte[] next;
                synchronized (queue) {
                    next = queue.peekFirst();
                }
                if (next != null) {
                    send(next);
                } else if (System.nanoTime() >= nextInfoAt) {
                    info(exchange(GET_INFO));
                } else {
                    park(TimeUnit.NANOSECONDS.toMillis(nextInfoAt - System.nanoTime()) + 1);
                }
            } catch (IOException e) {
                Logger.warn("CH9329 on {}: {}", settings.port(), e.getMessage());
                closePort();
                setLink(Link.PORT_MISSING, e.getMessage());
            } catch (RuntimeException e) { // the writer must outlive any surprise from the serial library
                Logger.error(e, "CH9329 writer on {}", settings.port());
                closePort();
                setLink(Link.PORT_MISSING, e.toString());
                park(settings.reconnectInterval().toMillis());
            }
        }
    }

    /** While the chip is away: ask for its info until it answers, then resume sending. */
    private void probe() throws IOException {
        Ch9329Frame.Reply reply = exchange(GET_INFO);
        if (reply != null && reply.ok()) {
            info(reply);
            setLink(Link.UP, null);
            LockSupport.unpark(writer);
        } else {
            if (!Files.exists(Path.of(settings.port()))) {
                throw new IOException(settings.port() + " disappeared");
            }
            setLink(Link.NOT_ANSWERING, lastError);
            park(settings.reconnectInterval().toMillis());
        }
    }

    private void send(byte[] frame) throws IOException {
        Ch9329Frame.Reply reply = exchange(frame);
        synchronized (queue) {
            if (queue.peekFirst() == frame) { // else going offline already replaced it
                queue.pollFirst();
            }
        }
        if (reply != null && reply.ok()) {
            framesSent++;
        }
    }

    /** Sends a frame and reads its reply, resending after a bad or missing reply; null if every attempt failed. */
    private Ch9329Frame.Reply exchange(byte[] frame) throws IOException {
        int command = frame[3] & 0xFF;
        // A relative move the chip may have carried out (its reply lost or garbled) must not go twice: it adds up.
        boolean repeatable = command != Ch9329Frame.CMD_SEND_MS_REL_DATA;
        for (int attempt = 0; attempt < ATTEMPTS && running; attempt++) {
            discardInput();
            if (port.writeBytes(frame, frame.length) != frame.length) {
                throw new IOException("write to " + settings.port() + " failed");
            }
            Ch9329Frame.Reply reply = readReply(command);
            if (reply == null) {
                error("no reply to command 0x%02X within %d ms", command, settings.replyTimeout().toMillis());
                if (++silentReplies >= SILENT_AFTER && link == Link.UP) {
                    setLink(Link.NOT_ANSWERING, lastError);
                    return null;
                }
                if (!repeatable) {
                    return null;
                }
                continue;
            }
            silentReplies = 0;
            if (!reply.checksumOk()) {
                error("reply to command 0x%02X has a bad checksum", command);
                if (!repeatable) {
                    return null;
                }
            } else if (!reply.ok()) {
                error("CH9329 refused command 0x%02X with status 0x%02X", command, reply.status());
                if (reply.status() == Ch9329Frame.STATUS_PARAMETER || reply.status() == Ch9329Frame.STATUS_COMMAND) {
                    return reply; // resending the same frame cannot help
                }
            } else {
                return reply;
            }
        }
        return null;
    }

    /** Reads the reply to {@code command}, skipping line noise before its header; null on timeout. */
    private Ch9329Frame.Reply readReply(int command) throws IOException {
        long deadline = System.nanoTime() + settings.replyTimeout().toNanos();
        while (true) {
            if (!readFully(header, 0, 1, deadline)) {
                return null;
            }
            if ((header[0] & 0xFF) != Ch9329Frame.HEAD_1) {
                continue;
            }
            if (!readFully(header, 1, 1, deadline)) {
                return null;
            }
            if ((header[1] & 0xFF) != Ch9329Frame.HEAD_2 || !readFully(header, 2, 3, deadline)) {
                continue;
            }
            int length = header[4] & 0xFF;
            if (!readFully(body, 0, length + 1, deadline)) {
                return null;
            }
            int sum = (Ch9329Frame.sum(header, 0, 5) + Ch9329Frame.sum(body, 0, length)) & 0xFF;
            Ch9329Frame.Reply reply = new Ch9329Frame.Reply(header[3] & 0xFF,
                    java.util.Arrays.copyOf(body, length), sum == (body[length] & 0xFF));
            if (reply.answers(command) || !reply.checksumOk()) {
                return reply;
            }
            // a late reply to an earlier command: keep reading
        }
    }

    private boolean readFully(byte[] buf, int offset, int count, long deadline) throws IOException {
        int done = 0;
        while (done < count && running) {
            // Read before looking at the clock: if this thread was descheduled past the deadline, a reply that
            // arrived meanwhile is in the buffer and must count, or a busy machine would mistake itself for a dead chip.
            int n = port.readBytes(buf, count - done, offset + done);
            if (n < 0) {
                throw new IOException("read from " + settings.port() + " failed: the port is gone");
            }
            done += n;
            if (n == 0 && System.nanoTime() - deadline > 0) {
                return false;
            }
        }
        return done == count;
    }

    private void discardInput() throws IOException {
        int available = port.bytesAvailable();
        if (available < 0) {
            throw new IOException(settings.port() + " is gone");
        }
        if (available > 0) {
            port.readBytes(new byte[available], available);
        }
    }

    private void info(Ch9329Frame.Reply reply) {
        nextInfoAt = System.nanoTime() + settings.infoInterval().toNanos();
        if (reply == null || !reply.ok() || reply.data().length < 3) {
            return;
        }
        byte[] d = reply.data();
        chipVersion = d[0] & 0xFF;
        hostAttached = d[1] == 0x01;
        KeyboardLeds now = KeyboardLeds.fromReport(d[2] & 0x07);
        if (!now.equals(leds)) {
            leds = now;
            ledListeners.forEach(l -> l.accept(now));
        }
    }

    private boolean open() {
        if (!Files.exists(Path.of(settings.port()))) {
            return false;
        }
        SerialPort p;
        try {
            p = SerialPort.getCommPort(settings.port());
        } catch (RuntimeException e) {
            return false;
        }
        p.setComPortParameters(settings.baud(), 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, READ_SLICE_MS, 1000);
        if (!p.openPort()) {
            return false;
        }
        port = p;
        silentReplies = 0;
        setLink(Link.CONNECTING, null);
        Logger.info("CH9329: opened {} at {} baud", settings.port(), settings.baud());
        return true;
    }

    private void closePort() {
        SerialPort p = port;
        port = null;
        if (p != null) {
            p.closePort();
        }
    }

    private void setLink(Link next, String reason) {
        Link before = link;
        if (before == next) {
            return;
        }
        link = next;
        if (next == Link.UP) {
            Logger.info("CH9329 on {} answers (chip version 0x{})", settings.port(), Integer.toHexString(chipVersion));
            return;
        }
        hostAttached = false;
        if (before != Link.UP) {
            return; // already keeping only the latest state
        }
        Logger.warn("CH9329 on {} lost: {}; keeping only the latest input state", settings.port(), reason);
        synchronized (queue) {
            // The chip keeps whatever it last received: when it is back it must first hear that nothing is held.
            lastKeyboard = RELEASED_KEYBOARD;
            lastMouse = RELEASED_MOUSE;
            collapse();
        }
    }

    private void error(String format, Object... args) {
        errors++;
        lastError = String.format(format, args);
        Logger.debug("CH9329: {}", lastError);
    }

    private void park(long millis) {
        if (running) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis)));
        }
    }
}
