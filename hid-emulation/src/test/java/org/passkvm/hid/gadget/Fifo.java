package org.passkvm.hid.gadget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.passkvm.testkit.Await;

/** A named pipe standing in for /dev/hidgN: same non-blocking semantics (EAGAIN when full, EPIPE without reader). */
final class Fifo implements AutoCloseable {

    final Path path;
    private int readFd = -1;

    Fifo(Path path) throws IOException, InterruptedException {
        this.path = path;
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo failed");
        }
    }

    /** Opens the host's end (non-blocking, so it does not wait for a writer). */
    Fifo openReader() {
        readFd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK);
        return this;
    }

    void closeReader() {
        if (readFd >= 0) {
            Libc.close(readFd);
            readFd = -1;
        }
    }

    /** Reads one report of {@code length} bytes, waiting up to a few seconds. */
    byte[] readReport(int length) {
        byte[] out = new byte[length];
        int[] have = {0};
        Await.every(Duration.ofMillis(1)).valueOf(Duration.ofSeconds(5), () -> {
            byte[] chunk = new byte[length - have[0]];
            long n;
            try {
                n = Libc.read(readFd, chunk, chunk.length);
            } catch (com.sun.jna.LastErrorException e) {
                n = 0; // EAGAIN: nothing yet
            }
            if (n > 0) {
                System.arraycopy(chunk, 0, out, have[0], (int) n);
                have[0] += (int) n;
            }
            return Arrays.toString(Arrays.copyOf(out, have[0]));
        }, got -> have[0] == length, "a report of " + length + " bytes");
        return out;
    }

    /** True when nothing is waiting in the pipe. */
    boolean empty() {
        try {
            return Libc.read(readFd, new byte[1], 1) <= 0;
        } catch (com.sun.jna.LastErrorException e) {
            return true;
        }
    }

    @Override
    public void close() {
        closeReader();
    }
}
