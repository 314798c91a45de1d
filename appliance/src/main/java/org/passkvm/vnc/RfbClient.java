package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * PassKVM as an RFB client, for the VNC consoles of the host's VMs: the handshake (no security, or VNC authentication
 * when a password is given), then framebuffer updates into a {@link RfbFramebuffer} and key, pointer and clipboard
 * messages out. It asks for 32-bit xRGB little-endian pixels (in memory B, G, R, x: what the JPEG and H.264 encoders
 * take as {@code bgr0}) and for Zlib, Raw and CopyRect, plus QEMU's extended key events so keys travel as scancodes.
 * Client messages are written by {@link ClientMessages}, the same codec the server reads with.
 *
 * <p>One thread reads ({@link #read}); any thread may send. Blocking streams: the transport is an SSH tunnel's pipes.
 */
public final class RfbClient implements AutoCloseable {

    static final int SECURITY_NONE = 1;

    /** Encodings asked for, most preferred first; Zlib costs the host little and saves the SSH link most. */
    private static final int[] ENCODINGS = {ServerMessages.ZLIB, ServerMessages.COPY_RECT, ServerMessages.RAW,
        ServerMessages.DESKTOP_SIZE, ServerMessages.QEMU_EXTENDED_KEY};
    /** Longest desktop name and clipboard text read; anything longer is a broken or hostile server. */
    private static final int MAX_TEXT = 1 << 20;
    private static final int MAX_SIDE = 16384;

    private final DataInputStream in;
    private final OutputStream out;
    private final ByteBuf message = Unpooled.buffer(64);
    private final Inflater inflater = new Inflater();
    private volatile boolean extendedKeys;
    private volatile String cutText;
    private byte[] row = new byte[0];
    private byte[] compressed = new byte[0];
    private final String name;
    private final int initialWidth;
    private final int initialHeight;

    private RfbClient(DataInputStream in, OutputStream out, String name, int width, int height) {
        this.in = in;
        this.out = out;
        this.name = name;
        this.initialWidth = width;
        this.initialHeight = height;
    }

    /**
     * Speaks the handshake and asks for the pixel format, the encodings and a whole first picture.
     *
     * @param password the console's VNC password, or null for a console without one
     * @throws IOException with the server's reason when it refuses, or when the stream ends
     */
    public static RfbClient connect(InputStream input, OutputStream output, String password) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(input, 64 * 1024));
        byte[] version = new byte[12];
        in.readFully(version);
        String text = new String(version, StandardCharsets.US_ASCII);
        if (!text.matches("RFB \\d{3}\\.\\d{3}\n")) {
            throw new IOException("not a VNC server: it said '" + text.strip() + "'");
        }
        int serverMinor = Integer.parseInt(text.substring(8, 11));
        int minor = serverMinor >= 8 ? 8 : serverMinor == 7 ? 7 : 3;
        ByteBuf b = Unpooled.buffer(32);
        ClientMessages.write(new RfbMessage.Version(minor), b);
        send(output, b);
        int security;
        if (minor == 3) {
            security = in.readInt();
            if (security == 0) {
                throw new IOException("the VNC server refused: " + reason(in));
            }
        } else {
            int count = in.readUnsignedByte();
            if (count == 0) {
                throw new IOException("the VNC server refused: " + reason(in));
            }
            byte[] types = new byte[count];
            in.readFully(types);
            security = pick(types);
            ClientMessages.write(new RfbMessage.SecurityChoice(security), b.clear());
            send(output, b);
        }
        if (security == ServerMessages.SECURITY_VNC_AUTH) {
            if (password == null) {
                throw new IOException("the VM's VNC console asks for a password, and none is known for it");
            }
            byte[] challenge = new byte[16];
            in.readFully(challenge);
            ClientMessages.write(new RfbMessage.AuthResponse(VncAuth.response(password, challenge)), b.clear());
            send(output, b);
        } else if (security != SECURITY_NONE) {
            throw new IOException("the VNC server wants security type " + security + "; PassKVM speaks None and VNC authentication");
        }
        if (minor == 8 || security == ServerMessages.SECURITY_VNC_AUTH) {
            if (in.readInt() != 0) {
                throw new IOException("the VNC server refused the login" + (minor == 8 ? ": " + reason(in) : ""));
            }
        }
        ClientMessages.write(new RfbMessage.ClientInit(true), b.clear());
        send(output, b);
        int width = in.readUnsignedShort();
        int height = in.readUnsignedShort();
        in.skipNBytes(16); // the server's own pixel format: replaced by ours just below
        String name = new String(readText(in), StandardCharsets.UTF_8);
        RfbClient client = new RfbClient(in, output, name, width, height);
        client.send(new RfbMessage.SetPixelFormat(ClientPixelFormat.DEFAULT));
        client.send(new RfbMessage.SetEncodings(ENCODINGS));
        client.requestUpdate(false, width, height);
        return client;
    }

    private static int pick(byte[] types) throws IOException {
        for (byte t : types) {
            if (t == SECURITY_NONE) {
                return SECURITY_NONE;
            }
        }
        for (byte t : types) {
            if (t == ServerMessages.SECURITY_VNC_AUTH) {
                return ServerMessages.SECURITY_VNC_AUTH;
            }
        }
        StringBuilder offered = new StringBuilder();
        for (byte t : types) {
            offered.append(offered.length() == 0 ? "" : ", ").append(t & 0xFF);
        }
        throw new IOException("the VNC server offers security types " + offered + "; PassKVM speaks None (1) and VNC authentication (2)");
    }

    private static String reason(DataInputStream in) throws IOException {
        return new String(readText(in), StandardCharsets.UTF_8);
    }

    private static byte[] readText(DataInputStream in) throws IOException {
        long length = in.readInt() & 0xFFFFFFFFL;
        if (length > MAX_TEXT) {
            throw new IOException("the VNC server sent " + length + " bytes of text; at most " + MAX_TEXT + " are read");
        }
        byte[] text = new byte[(int) length];
        in.readFully(text);
        return text;
    }

    /** The desktop's name (QEMU: the VM's name) as the server announced it. */
    public String name() {
        return name;
    }

    public int width() {
        return initialWidth;
    }

    public int height() {
        return initialHeight;
    }

    /** The server takes QEMU's extended key events: keys go as scancodes, whatever the guest's layout. */
    public boolean extendedKeys() {
        return extendedKeys;
    }

    /** The guest's clipboard as last sent (Latin-1), or null. */
    public String serverCutText() {
        return cutText;
    }

    /**
     * Reads one server message, drawing what it carries into the framebuffer.
     *
     * @return true when it was a framebuffer update (the picture may have changed; ask for the next with
     *     {@link #requestUpdate})
     * @throws EOFException when the server closed the connection (QEMU exited: the VM stopped)
     */
    public boolean read(RfbFramebuffer fb) throws IOException {
        int type = in.readUnsignedByte();
        switch (type) {
            case 0 -> {
                in.skipNBytes(1);
                int rectangles = in.readUnsignedShort();
                for (int i = 0; i < rectangles; i++) {
                    if (!rectangle(fb)) {
                        break;
                    }
                }
                return true;
            }
            case 1 -> { // SetColourMapEntries: never asked for (true colour); skip it whole
                in.skipNBytes(3);
                in.skipNBytes(6L * in.readUnsignedShort());
                return false;
            }
            case 2 -> {
                return false; // Bell
            }
            case 3 -> {
                in.skipNBytes(3);
                cutText = new String(readText(in), StandardCharsets.ISO_8859_1);
                return false;
            }
            default -> throw new IOException("unknown VNC server message " + type);
        }
    }

    /** One rectangle; false for LastRect (the update ends early). */
    private boolean rectangle(RfbFramebuffer fb) throws IOException {
        int x = in.readUnsignedShort();
        int y = in.readUnsignedShort();
        int w = in.readUnsignedShort();
        int h = in.readUnsignedShort();
        int encoding = in.readInt();
        if (encoding == ServerMessages.DESKTOP_SIZE) {
            if (w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE) {
                throw new IOException("the VNC server resized its desktop to " + w + "x" + h);
            }
            fb.resize(w, h);
            return true;
        }
        if (encoding == ServerMessages.QEMU_EXTENDED_KEY) {
            extendedKeys = true;
            return true;
        }
        if (encoding == ServerMessages.LAST_RECT) {
            return false;
        }
        if (x + w > fb.width() || y + h > fb.height()) {
            throw new IOException("a rectangle " + w + "x" + h + "+" + x + "+" + y + " outside the " + fb.width() + "x"
                    + fb.height() + " desktop");
        }
        switch (encoding) {
            case ServerMessages.RAW -> raw(fb, x, y, w, h);
            case ServerMessages.COPY_RECT -> fb.copy(in.readUnsignedShort(), in.readUnsignedShort(), x, y, w, h);
            case ServerMessages.ZLIB -> zlib(fb, x, y, w, h);
            default -> throw new IOException("the VNC server used encoding " + encoding + ", which was not asked for");
        }
        return true;
    }

    private void raw(RfbFramebuffer fb, int x, int y, int w, int h) throws IOException {
        int bytes = w * 4;
        byte[] line = row(bytes);
        for (int r = 0; r < h; r++) {
            in.readFully(line, 0, bytes);
            fb.putRow(x, y + r, line, bytes);
        }
    }

    /** Zlib: one deflate stream for the whole connection, carrying raw pixels. */
    private void zlib(RfbFramebuffer fb, int x, int y, int w, int h) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 64 * 1024 * 1024) {
            throw new IOException("a Zlib rectangle of " + (length & 0xFFFFFFFFL) + " bytes");
        }
        if (compressed.length < length) {
            compressed = new byte[length + length / 2];
        }
        in.readFully(compressed, 0, length);
        inflater.setInput(compressed, 0, length);
        int bytes = w * 4;
        byte[] line = row(bytes);
        try {
            for (int r = 0; r < h; r++) {
                int got = 0;
                while (got < bytes) {
                    int n = inflater.inflate(line, got, bytes - got);
                    if (n == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) {
                        throw new IOException("a Zlib rectangle ended early");
                    }
                    got += n;
                }
                fb.putRow(x, y + r, line, bytes);
            }
        } catch (DataFormatException e) {
            throw new IOException("a Zlib rectangle is corrupt: " + e.getMessage(), e);
        }
    }

    private byte[] row(int bytes) {
        if (row.length < bytes) {
            row = new byte[bytes];
        }
        return row;
    }

    /** Asks for the next picture: incremental (only what changed, sent when something does) or whole. */
    public void requestUpdate(boolean incremental, int width, int height) throws IOException {
        send(new RfbMessage.UpdateRequest(incremental, 0, 0, width, height));
    }

    /**
     * A key by its QEMU number (PC set-1 scancode, 0xE0-prefixed keys with the high bit set) and X keysym; as an
     * extended key event when the server takes them, else by keysym alone.
     */
    public void key(boolean down, int keysym, int qnum) throws IOException {
        send(extendedKeys && qnum != 0 ? new RfbMessage.QemuKey(down, keysym, qnum) : new RfbMessage.Key(down, keysym));
    }

    /** Buttons as RFB's mask (1 left, 2 middle, 4 right, 8/16 wheel up/down); x and y in desktop pixels. */
    public void pointer(int buttons, int x, int y) throws IOException {
        send(new RfbMessage.Pointer(buttons, x, y));
    }

    public void cutText(String text) throws IOException {
        send(new RfbMessage.CutText(text));
    }

    private void send(RfbMessage m) throws IOException {
        synchronized (message) {
            ClientMessages.write(m, message.clear());
            send(out, message);
        }
    }

    private static void send(OutputStream out, ByteBuf b) throws IOException {
        b.readBytes(out, b.readableBytes());
        out.flush();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // the tunnel is going anyway
        }
        try {
            out.close();
        } catch (IOException e) {
            // same
        }
        synchronized (message) {
            inflater.end();
        }
    }
}
