package org.passkvm.vmdisplay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A unix socket as a {@link Tunnel}. Its streams call the channel directly: the JDK's {@code Channels.newInputStream}
 * holds the channel's blocking lock while a read waits, which would stall every key sent while no picture arrives.
 */
final class UnixTunnel implements Tunnel {

    private final Path path;
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    UnixTunnel(Path path) throws IOException {
        this.path = path;
        this.channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        this.in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        };
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public String describe() {
        return "unix:" + path;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
