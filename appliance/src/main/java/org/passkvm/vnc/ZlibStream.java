package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import java.util.zip.Deflater;

/**
 * One zlib stream for the life of a connection, as Zlib and ZRLE require: the client keeps one inflater per
 * encoding, so each rectangle is flushed, never finished.
 */
final class ZlibStream {

    private final Deflater deflater;
    private final byte[] chunk = new byte[64 * 1024];

    ZlibStream(int level) {
        this.deflater = new Deflater(level);
    }

    /** Compresses {@code plain} (read whole) and writes it as a u32 length and the data. */
    void writeCompressed(ByteBuf plain, ByteBuf out) {
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        deflater.setInput(plain.nioBuffer());
        int n;
        do { // a full chunk means there may be more to flush (Deflater's contract for SYNC_FLUSH)
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.writeBytes(chunk, 0, n);
        } while (n == chunk.length);
        plain.skipBytes(plain.readableBytes());
        out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
    }

    void close() {
        deflater.end();
    }
}
