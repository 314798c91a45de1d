package org.passkvm.vnc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.VideoSource;
import org.passkvm.video.encode.H264Encoder;
import org.passkvm.video.stream.H264Stream;
import org.passkvm.video.stream.StreamSettings;
import org.passkvm.video.stream.VideoStream;
import org.passkvm.web.auth.Accounts;
import org.passkvm.web.auth.LoginLimiter;
import org.passkvm.web.auth.PasswordHasher;

/**
 * What a VNC client gets and costs, per encoding: frames per second delivered, bytes per frame, and CPU — the shared
 * part (capture JPEG encode, the one decode for VNC) apart from the per-client part (the "vnc" event loop's encoding).
 * The source is synthetic, 1280×720 at 30 fps: "changing" redraws a desktop-like picture whose text block and window
 * move every frame, "static" never changes. Clients are plain sockets that ask for the next update as soon as one
 * arrived, as TigerVNC and guacd do.
 *
 * "h264" clients ask for Open H.264 first, as noVNC does; its frames come from the console's H.264 encoder (libx264,
 * one thread so that a picture is one slice, as noVNC needs), whose CPU counts as shared.
 *
 * usage: VncBench SECONDS CLIENTS changing|static [zrle tight zlib raw h264 ...]
 */
public final class VncBench {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;
    private static final int FPS = 30;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        boolean changing = args[2].equals("changing");
        List<String> encodings = args.length > 3 ? List.of(args).subList(3, args.length) : List.of("zrle", "tight", "zlib", "raw");
        Path dir = Files.createTempDirectory("vncbench");
        Accounts accounts = Accounts.open(dir, new PasswordHasher(1024, 1, 1), "bench password");
        VncPasswords passwords = new VncPasswords(dir, accounts);
        String password = passwords.enable("admin");
        LoginLimiter limiter = new LoginLimiter(100, Duration.ofMinutes(1), Duration.ofSeconds(1), java.time.Clock.systemUTC());
        System.out.printf("VncBench: %d s, %d client(s), %s screen, %dx%d at %d fps, %d cores%n", seconds, clients,
                changing ? "changing" : "static", WIDTH, HEIGHT, FPS, Runtime.getRuntime().availableProcessors());
        System.out.println("| encoding | fps per client | KiB per frame | KiB/s per client | CPU per client (vnc loop) | shared CPU (capture JPEG + VNC decode) |");
        System.out.println("|---|---|---|---|---|---|");
        for (String encoding : encodings) {
            H264Stream h264 = encoding.equals("h264") ? new H264Stream(new H264Encoder("libx264", 4000, 120, 1), 8) : null;
            try (VideoStream stream = new VideoStream(new Synthetic(changing),
                    new StreamSettings(80, FPS, Duration.ofSeconds(5), 1, Duration.ofSeconds(1), Duration.ofSeconds(2)), h264);
                    VncServer server = new VncServer(new VncServer.Listen("127.0.0.1", 0, 64, "bench"),
                            new VncServer.Target(stream, null, null, Layout.byName("us"), null), passwords, accounts, null, limiter)) {
                if (h264 != null) {
                    server.offerH264(h264);
                }
                run(server.port(), password, encoding, seconds, clients);
            }
        }
    }

    private static void run(int port, String password, String encoding, int seconds, int clients) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong frames = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try {
                    client(port, password, encoding, measuring, stop, frames, bytes);
                } catch (IOException e) {
                    if (!stop.get()) {
                        e.printStackTrace();
                    }
                }
            }, "bench-client-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Thread.sleep(3000); // warm-up: handshakes, JIT, the first full frames
        Map<String, Long> cpu0 = cpuByThreadGroup();
        long t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> cpu1 = cpuByThreadGroup();
        stop.set(true);
        for (Thread t : threads) {
            t.interrupt();
            t.join(2000);
        }
        double perClientFps = frames.get() / elapsed / clients;
        double kibPerFrame = frames.get() == 0 ? 0 : bytes.get() / 1024.0 / frames.get();
        double vncCores = (cpu1.getOrDefault("vnc", 0L) - cpu0.getOrDefault("vnc", 0L)) / 1e9 / elapsed;
        double sharedCores = (cpu1.getOrDefault("shared", 0L) - cpu0.getOrDefault("shared", 0L)) / 1e9 / elapsed;
        System.out.printf("| %s | %.1f | %.1f | %.0f | %.3f core | %.3f core |%n", encoding, perClientFps, kibPerFrame,
                bytes.get() / 1024.0 / elapsed / clients, vncCores / clients, sharedCores);
    }

    /** CPU time of the server's threads: "vnc" (the event loop, per-client encoding) and "shared". */
    private static Map<String, Long> cpuByThreadGroup() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            String group = name.equals("vnc") ? "vnc"
                    : name.startsWith("video-") || name.startsWith("h264") || name.startsWith("vnc-screen") || name.startsWith("jpeg") ? "shared" : null;
            long cpu = mx.getThreadCpuTime(info.getThreadId());
            if (group != null && cpu > 0) {
                out.merge(group, cpu, Long::sum);
            }
        }
        return out;
    }

    private static void client(int port, String password, String encoding, AtomicBoolean measuring, AtomicBoolean stop,
            AtomicLong frames, AtomicLong bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            in.readFully(new byte[12]);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            in.readFully(new byte[in.readUnsignedByte()]);
            out.write(ServerMessages.SECURITY_VNC_AUTH);
            byte[] challenge = new byte[16];
            in.readFully(challenge);
            out.write(VncAuth.response(password, challenge));
            if (in.readInt() != 0) {
                throw new IOException("login refused");
            }
            out.write(1);
            in.readFully(new byte[20]);
            in.readFully(new byte[in.readInt()]);
            int code = switch (encoding) {
                case "zrle" -> ServerMessages.ZRLE;
                case "tight" -> ServerMessages.TIGHT;
                case "zlib" -> ServerMessages.ZLIB;
                case "hextile" -> ServerMessages.HEXTILE;
                case "h264" -> ServerMessages.H264;
                default -> ServerMessages.RAW;
            };
            int[] encodings = {code, ServerMessages.JPEG_QUALITY_0 + 8, ServerMessages.DESKTOP_SIZE};
            out.writeByte(2);
            out.writeByte(0);
            out.writeShort(encodings.length);
            for (int e : encodings) {
                out.writeInt(e);
            }
            request(out, false);
            while (!stop.get()) {
                long read = readUpdate(in);
                if (measuring.get()) {
                    frames.incrementAndGet();
                    bytes.addAndGet(read);
                }
                request(out, true);
            }
        }
    }

    private static void request(DataOutputStream out, boolean incremental) throws IOException {
        out.writeByte(3);
        out.writeByte(incremental ? 1 : 0);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(WIDTH);
        out.writeShort(HEIGHT);
        out.flush();
    }

    /** Reads one FramebufferUpdate and returns its size in bytes. */
    private static long readUpdate(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        if (type != 0) {
            throw new IOException("unexpected server message " + type);
        }
        in.readUnsignedByte();
        int rects = in.readUnsignedShort();
        long total = 4;
        for (int i = 0; i < rects; i++) {
            in.readUnsignedShort();
            in.readUnsignedShort();
            int w = in.readUnsignedShort();
            int h = in.readUnsignedShort();
            int encoding = in.readInt();
            total += 12;
            long body = switch (encoding) {
                case ServerMessages.RAW -> (long) w * h * 4;
                case ServerMessages.ZRLE, ServerMessages.ZLIB -> 4 + (in.readInt() & 0xFFFFFFFFL);
                case ServerMessages.TIGHT -> tightBody(in);
                case ServerMessages.H264 -> {
                    int length = in.readInt();
                    in.readInt(); // flags
                    in.readFully(new byte[length]);
                    yield 8L + length;
                }
                default -> 0; // pseudo-encodings carry nothing
            };
            if (encoding == ServerMessages.ZRLE || encoding == ServerMessages.ZLIB) {
                in.readFully(new byte[(int) body - 4]);
            } else if (encoding == ServerMessages.RAW) {
                in.readFully(new byte[(int) body]);
            }
            total += body;
        }
        return total;
    }

    private static long tightBody(DataInputStream in) throws IOException {
        int control = in.readUnsignedByte();
        if (control != 0x90) {
            throw new IOException("only Tight JPEG is expected, got control " + control);
        }
        int used = 1;
        int b = in.readUnsignedByte();
        int length = b & 0x7F;
        if ((b & 0x80) != 0) {
            b = in.readUnsignedByte();
            used++;
            length |= (b & 0x7F) << 7;
            if ((b & 0x80) != 0) {
                length |= in.readUnsignedByte() << 14;
                used++;
            }
        }
        in.readFully(new byte[length]);
        return 1 + used + length;
    }

    /** 1280×720 BGR0 at 30 fps: a desktop-like picture, moving when "changing", else the same every frame. */
    private static final class Synthetic implements VideoSource {
        private final boolean changing;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(WIDTH * HEIGHT * 4);
        private long next;
        private int frame;

        Synthetic(boolean changing) {
            this.changing = changing;
        }

        @Override
        public String kind() {
            return "synthetic";
        }

        @Override
        public void open() {
            next = System.nanoTime();
        }

        @Override
        public RawFrame grab() {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the source's own frame clock
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            next += 1_000_000_000L / FPS;
            draw(changing ? frame++ : 0);
            return new RawFrame(PixelFormat.BGR0, WIDTH, HEIGHT, WIDTH * 4, buffer.duplicate().clear(), System.nanoTime());
        }

        /** A dark desktop, a light window that slides, and rows of "text" that scroll inside it. */
        private void draw(int t) {
            int wx = 100 + (t * 7) % 600;
            int wy = 80 + (t * 3) % 200;
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    int rgb = 0x1B2A3A;
                    if (x >= wx && x < wx + 560 && y >= wy && y < wy + 380) {
                        int row = (y - wy + t * 2) % 16;
                        boolean ink = row > 3 && row < 12 && ((x * 7 + y * 3 + (y - wy + t * 2) / 16 * 13) % 11) < 6;
                        rgb = ink ? 0x202020 : 0xF0F0F0;
                    }
                    buffer.putInt((y * WIDTH + x) * 4, Integer.reverseBytes(rgb)); // B, G, R, 0 in memory
                }
            }
        }

        @Override
        public void close() {}
    }
}
