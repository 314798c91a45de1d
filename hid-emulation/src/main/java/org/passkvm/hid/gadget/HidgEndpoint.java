package org.passkvm.hid.gadget;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.file.Path;

/**
 * A /dev/hidgN opened with O_NONBLOCK. Writes wait for POLLOUT at most the given timeout; EAGAIN means the host has
 * not read the previous report yet, ESHUTDOWN that the function is unbound or not configured. After an error the
 * file is reopened on the next call, in case the kernel recreated the device node on rebind. Not thread-safe: one
 * instance per thread (the writer, the LED reader).
 */
final class HidgEndpoint implements HidEndpoint {

    private final Path device;
    private final int openFlags;
    private final Memory pollFd = new Memory(8);
    private int fd = -1;

    private HidgEndpoint(Path device, int openFlags) {
        this.device = device;
        this.openFlags = openFlags | Libc.O_NONBLOCK | Libc.O_CLOEXEC;
    }

    static HidgEndpoint forWriting(Path device) {
        return new HidgEndpoint(device, Libc.O_RDWR);
    }

    static HidgEndpoint forReading(Path device) {
        return new HidgEndpoint(device, Libc.O_RDONLY);
    }

    Path device() {
        return device;
    }

    @Override
    public Outcome write(byte[] report, int timeoutMillis) {
        if (!ensureOpen()) {
            return Outcome.OFFLINE;
        }
        try {
            if (!waitFor(Libc.POLLOUT, timeoutMillis)) {
                return Outcome.BUSY;
            }
            Libc.write(fd, report, report.length);
            return Outcome.SENT;
        } catch (LastErrorException e) {
            return failed(e.getErrorCode());
        }
    }

    @Override
    public int read(byte[] buffer, int timeoutMillis) {
        if (!ensureOpen()) {
            return -1;
        }
        try {
            if (!waitFor(Libc.POLLIN, timeoutMillis)) {
                return 0;
            }
            return (int) Libc.read(fd, buffer, buffer.length);
        } catch (LastErrorException e) {
            return failed(e.getErrorCode()) == Outcome.BUSY ? 0 : -1;
        }
    }

    /** f_hidg reports POLLOUT only when configured and idle, so a poll timeout just means "not now". */
    private boolean waitFor(short event, int timeoutMillis) {
        pollFd.setInt(0, fd);
        pollFd.setShort(4, event);
        pollFd.setShort(6, (short) 0);
        int ready;
        try {
            ready = Libc.poll(pollFd, 1, timeoutMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EINTR) {
                return false;
            }
            throw e;
        }
        return ready > 0;
    }

    private Outcome failed(int errno) {
        if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
            return Outcome.BUSY;
        }
        // ESHUTDOWN (unbound/unconfigured), ENODEV, EIO or anything else: start over with a fresh descriptor.
        closeQuietly();
        return Outcome.OFFLINE;
    }

    private boolean ensureOpen() {
        if (fd >= 0) {
            return true;
        }
        try {
            fd = Libc.open(device.toString(), openFlags);
            return true;
        } catch (LastErrorException e) {
            return false; // no device node (yet): the gadget is not bound
        }
    }

    private void closeQuietly() {
        if (fd >= 0) {
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do: the descriptor is gone either way
            }
            fd = -1;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
