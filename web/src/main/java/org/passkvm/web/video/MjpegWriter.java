package org.passkvm.web.video;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.passkvm.video.stream.EncodedFrame;

/**
 * Writes multipart/x-mixed-replace parts. Each part ends with the next boundary, so a browser
 * shows a frame as soon as it arrived rather than when the following one starts. The part
 * header is assembled in a reused buffer: writing a frame allocates nothing.
 */
final class MjpegWriter {

    static final String BOUNDARY = "passkvmframe";
    private static final byte[] OPENING = ("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEADER_START = "Content-Type: image/jpeg\r\nContent-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIMESTAMP = "\r\nX-Timestamp: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISHED = "\r\nX-Published-Timestamp: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSING = ("\r\n--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final byte[] header = new byte[HEADER_START.length + 20 + 2 * (PUBLISHED.length + 30) + HEADER_END.length];

    MjpegWriter(OutputStream out) {
        this.out = out;
        System.arraycopy(HEADER_START, 0, header, 0, HEADER_START.length);
    }

    void open() throws IOException {
        out.write(OPENING);
        out.flush();
    }

    /** Writes one whole part and flushes it to the socket; returns when the socket took it. */
    void write(EncodedFrame frame) throws IOException {
        int p = HEADER_START.length;
        p = digits(frame.length(), header, p);
        // Capture time on CLOCK_MONOTONIC in seconds, as ustreamer sends it: lets a client on the
        // same machine measure capture-to-last-byte latency.
        p = seconds(TIMESTAMP, frame.captureNanos(), p);
        p = seconds(PUBLISHED, frame.publishedNanos(), p);
        System.arraycopy(HEADER_END, 0, header, p, HEADER_END.length);
        p += HEADER_END.length;
        out.write(header, 0, p);
        out.write(frame.data(), 0, frame.length());
        out.write(CLOSING);
        out.flush();
    }

    /** A header with a monotonic time as seconds.micros. */
    private int seconds(byte[] name, long nanos, int p) {
        System.arraycopy(name, 0, header, p, name.length);
        p += name.length;
        long micros = nanos / 1000;
        p = digits(micros / 1_000_000, header, p);
        header[p++] = '.';
        long fraction = micros % 1_000_000;
        for (int div = 100_000; div > 0; div /= 10) {
            header[p++] = (byte) ('0' + fraction / div % 10);
        }
        return p;
    }

    private static int digits(long value, byte[] into, int at) {
        int len = 1;
        for (long v = value; v >= 10; v /= 10) {
            len++;
        }
        for (int i = len - 1; i >= 0; i--) {
            into[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + len;
    }
}
