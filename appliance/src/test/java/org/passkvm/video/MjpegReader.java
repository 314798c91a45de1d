package org.passkvm.video;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads multipart/x-mixed-replace parts: the JPEG bodies, by their Content-Length. */
final class MjpegReader implements AutoCloseable {
    private final InputStream in;

    MjpegReader(InputStream in) {
        this.in = in;
    }

    /** The next JPEG, or null at the end of the stream. */
    byte[] next() throws IOException {
        int length = -1;
        String line;
        while ((line = readLine()) != null) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (line.isEmpty() && length >= 0) {
                return in.readNBytes(length);
            }
        }
        return null;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
