package org.passkvm.hid.gadget;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls the gadget writers need. Java's streams cannot open a file with O_NONBLOCK, and a blocking
 * write on /dev/hidgN sleeps until the USB host polls (forever when the target is off). Direct mapping keeps a
 * call at well under a microsecond of overhead.
 */
final class Libc {

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int ENODEV = 19;
    static final int ESHUTDOWN = 108;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Libc() {}

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** {@code fds} points at {@code nfds} struct pollfd {int fd; short events; short revents;}. */
    static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    static native int pipe(int[] fds) throws LastErrorException;
}
