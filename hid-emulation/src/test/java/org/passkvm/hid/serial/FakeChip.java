package org.passkvm.hid.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.passkvm.testkit.Await;

/** The chip's end of the pty pair: reads frames byte for byte, checks their sums and answers as a CH9329 would. */
final class FakeChip implements AutoCloseable {

    enum Answer { OK, BAD_CHECKSUM, ERROR_CHECKSUM, ERROR_PARAMETER, SILENT }

    final List<byte[]> received = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    private final LinkedBlockingQueue<Answer> nextAnswers = new LinkedBlockingQueue<>();
    private final SerialPort port;
    private final Thread thread;
    private volatile boolean running = true;
    volatile boolean silent;
    volatile int usbAttached = 0x01;
    volatile int leds;
    /** Called on the chip's thread the moment a whole frame has arrived (for the latency benchmark). */
    volatile java.util.function.Consumer<byte[]> onFrame = f -> { };

    FakeChip(String path) {
        port = SerialPort.getCommPort(path);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 50, 0);
        if (!port.openPort()) {
            throw new IllegalStateException("cannot open " + path);
        }
        thread = new Thread(this::run, "fake-ch9329");
        thread.setDaemon(true);
        thread.start();
    }

    /** The answers to give to the next non-info frames, in order; after them every frame gets OK. */
    void answerNext(Answer... answers) {
        nextAnswers.addAll(List.of(answers));
    }

    synchronized List<byte[]> frames(int command) {
        return received.stream().filter(f -> (f[3] & 0xFF) == command).toList();
    }

    synchronized List<String> framesHex(int command) {
        return frames(command).stream().map(Ch9329Frame::hex).toList();
    }

    synchronized void clear() {
        received.clear();
    }

    /** Waits until {@code count} frames of {@code command} arrived. */
    List<String> await(int command, int count) {
        return Await.value(Duration.ofSeconds(5), () -> framesHex(command), f -> f.size() >= count,
            count + " frames of command 0x" + Integer.toHexString(command));
    }

    private void run() {
        byte[] head = new byte[5];
        while (running) {
            if (!read(head, 0, 1) || (head[0] & 0xFF) != 0x57) {
                continue;
            }
            if (!read(head, 1, 4)) {
                continue;
            }
            int length = head[4] & 0xFF;
            byte[] frame = Arrays.copyOf(head, 5 + length + 1);
            if (!read(frame, 5, length + 1)) {
                continue;
            }
            onFrame.accept(frame);
            synchronized (this) {
                received.add(frame);
                if ((frame[1] & 0xFF) != 0xAB || frame[2] != 0) {
                    problems.add("bad header " + Ch9329Frame.hex(frame));
                }
                if (Ch9329Frame.sum(frame, 0, frame.length - 1) != (frame[frame.length - 1] & 0xFF)) {
                    problems.add("bad sum " + Ch9329Frame.hex(frame));
                }
            }
            answer(frame[3] & 0xFF);
        }
    }

    private void answer(int command) {
        if (silent) {
            return;
        }
        if (command == Ch9329Frame.CMD_GET_INFO) {
            write(Ch9329Frame.encode(command | 0x80, (byte) 0x30, (byte) usbAttached, (byte) leds, (byte) 0, (byte) 0,
                    (byte) 0, (byte) 0, (byte) 0));
            return;
        }
        Answer a = nextAnswers.poll();
        switch (a == null ? Answer.OK : a) {
            case OK -> write(Ch9329Frame.encode(command | 0x80, (byte) 0));
            case BAD_CHECKSUM -> {
                byte[] reply = Ch9329Frame.encode(command | 0x80, (byte) 0);
                reply[reply.length - 1]++;
                write(reply);
            }
            case ERROR_CHECKSUM -> write(Ch9329Frame.encode(command | 0xC0, (byte) Ch9329Frame.STATUS_CHECKSUM));
            case ERROR_PARAMETER -> write(Ch9329Frame.encode(command | 0xC0, (byte) Ch9329Frame.STATUS_PARAMETER));
            case SILENT -> { }
        }
    }

    private boolean read(byte[] buf, int offset, int count) {
        int done = 0;
        while (done < count && running) {
            int n = port.readBytes(buf, count - done, offset + done);
            if (n < 0) {
                running = false;
                return false;
            }
            done += n;
        }
        return done == count;
    }

    private void write(byte[] frame) {
        port.writeBytes(frame, frame.length);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
        port.closePort();
    }
}
