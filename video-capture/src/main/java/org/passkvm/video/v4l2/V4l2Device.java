package org.passkvm.video.v4l2;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

/**
 * The few V4L2 ioctls FFmpeg does not make for us: what a node can do, which formats it offers,
 * selecting the input, and the HDMI receiver's DV timings, which is how capture chips report a
 * lost signal or a new resolution (FFmpeg would keep reading whatever the chip fills in).
 * Opened on its own non-blocking descriptor next to FFmpeg's.
 */
final class V4l2Device implements AutoCloseable {

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int fcntl(int fd, int cmd, int arg) throws LastErrorException;

        int poll(Pointer fds, int nfds, int timeoutMs) throws LastErrorException;
    }

    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final short POLLIN = 1;

    /** Puts another descriptor (FFmpeg's) into non-blocking mode; false if that failed. */
    static boolean makeNonBlocking(int fd) {
        try {
            int flags = LibC.INSTANCE.fcntl(fd, F_GETFL, 0);
            LibC.INSTANCE.fcntl(fd, F_SETFL, flags | O_NONBLOCK);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /** Waits until {@code fd} has a buffer to dequeue (or an error to report), at most {@code timeoutMs}. */
    static void awaitReadable(Memory pollfd, int fd, int timeoutMs) {
        pollfd.setInt(0, fd);
        pollfd.setShort(4, POLLIN);
        pollfd.setShort(6, (short) 0);
        try {
            LibC.INSTANCE.poll(pollfd, 1, timeoutMs);
        } catch (LastErrorException e) {
            // EINTR: the caller loops anyway
        }
    }

    int fd() {
        return fd;
    }

    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 04000;

    static final long VIDIOC_QUERYCAP = 0x80685600L;
    static final long VIDIOC_ENUM_FMT = 0xC0405602L;
    static final long VIDIOC_G_INPUT = 0x80045626L;
    static final long VIDIOC_S_INPUT = 0xC0045627L;
    static final long VIDIOC_S_DV_TIMINGS = 0xC0845657L;
    static final long VIDIOC_QUERY_DV_TIMINGS = 0x80845663L;

    static final int ERANGE = 34;
    static final int ENOTTY = 25;
    static final int ENOLCK = 37;
    static final int ENODATA = 61;
    static final int ENOLINK = 67;
    static final int ENODEV = 19;
    static final int ENOENT = 2;

    private static final int CAP_VIDEO_CAPTURE = 0x1;
    private static final int CAP_DEVICE_CAPS = 0x80000000;
    private static final int DV_TIMINGS_SIZE = 132;

    /** What QUERY_DV_TIMINGS said: a picture of this size, or why there is none. */
    record Timings(int width, int height, double fps, int errno) {
        boolean signal() {
            return errno == 0;
        }

        boolean supported() {
            return errno != ENOTTY && errno != ENODATA;
        }

        String problem() {
            return switch (errno) {
                case ENOLINK -> "no signal on the input";
                case ENOLCK -> "the signal is unstable (no lock)";
                case ERANGE -> "the signal is out of the receiver's range";
                default -> "DV timings query failed (errno " + errno + ")";
            };
        }
    }

    private final String path;
    private final int fd;
    private final Memory dv = new Memory(DV_TIMINGS_SIZE);

    private V4l2Device(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    static V4l2Device open(String path) throws LastErrorException {
        return new V4l2Device(path, LibC.INSTANCE.open(path, O_RDWR | O_NONBLOCK));
    }

    String path() {
        return path;
    }

    /** The driver and card name, and whether the node captures video. */
    record Capabilities(String driver, String card, boolean capture) {}

    Capabilities capabilities() {
        try (Memory cap = new Memory(104)) {
            cap.clear();
            ioctl(VIDIOC_QUERYCAP, cap);
            int caps = cap.getInt(84);
            int deviceCaps = cap.getInt(88);
            int effective = (caps & CAP_DEVICE_CAPS) != 0 ? deviceCaps : caps;
            return new Capabilities(cString(cap, 0, 16), cString(cap, 16, 32), (effective & CAP_VIDEO_CAPTURE) != 0);
        }
    }

    /** The capture formats as FourCC strings ("MJPG", "YUYV", …), in the driver's order. */
    List<String> formats() {
        List<String> out = new ArrayList<>();
        try (Memory desc = new Memory(64)) {
            for (int i = 0; i < 64; i++) {
                desc.clear();
                desc.setInt(0, i);
                desc.setInt(4, 1); // V4L2_BUF_TYPE_VIDEO_CAPTURE
                try {
                    ioctl(VIDIOC_ENUM_FMT, desc);
                } catch (LastErrorException e) {
                    break; // EINVAL past the last format
                }
                int fourcc = desc.getInt(44);
                out.add(new String(new char[] {(char) (fourcc & 0xff), (char) (fourcc >> 8 & 0xff),
                    (char) (fourcc >> 16 & 0xff), (char) (fourcc >>> 24)}));
            }
        }
        return out;
    }

    void selectInput(int input) {
        try (Memory m = new Memory(4)) {
            m.setInt(0, input);
            ioctl(VIDIOC_S_INPUT, m);
        }
    }

    int input() {
        try (Memory m = new Memory(4)) {
            ioctl(VIDIOC_G_INPUT, m);
            return m.getInt(0);
        }
    }

    /** Asks the receiver what it sees now; cheap enough to call a few times a second. */
    Timings queryTimings() {
        dv.clear();
        try {
            ioctl(VIDIOC_QUERY_DV_TIMINGS, dv);
        } catch (LastErrorException e) {
            return new Timings(0, 0, 0, e.getErrorCode());
        }
        int width = dv.getInt(4);
        int height = dv.getInt(8);
        // struct v4l2_dv_timings is packed: type, then v4l2_bt_timings with pixelclock at 20 and porches after it
        long pixelclock = dv.getLong(20);
        long totalWidth = (long) width + dv.getInt(28) + dv.getInt(32) + dv.getInt(36);
        long totalHeight = (long) height + dv.getInt(40) + dv.getInt(44) + dv.getInt(48);
        double fps = totalWidth * totalHeight == 0 ? 0 : pixelclock / (double) (totalWidth * totalHeight);
        return new Timings(width, height, Math.round(fps * 100) / 100.0, 0);
    }

    /** Makes the capture format follow what {@link #queryTimings} found (the buffer stays as that query left it). */
    void applyQueriedTimings() {
        ioctl(VIDIOC_S_DV_TIMINGS, dv);
    }

    private void ioctl(long request, Pointer arg) {
        LibC.INSTANCE.ioctl(fd, new NativeLong(request), arg);
    }

    private static String cString(Memory m, int offset, int max) {
        byte[] b = m.getByteArray(offset, max);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException ignored) {
            // already gone with the device
        }
        dv.close();
    }
}
