package org.passkvm.vmdisplay;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;
import org.passkvm.video.stream.EncodedFrame;
import org.passkvm.video.stream.StreamSettings;
import org.passkvm.video.stream.VideoStream;

/**
 * What a VM display costs PassKVM: a synthetic VNC server (QEMU's side) answers every update request at once with a
 * whole new picture of the given size, Raw or Zlib, and the real {@link VmDisplaySource} feeds the real
 * {@link VideoStream} (JPEG q80, as the console gets it). Reports frames per second into the stream and out as JPEG,
 * and thread CPU per frame: the RFB reader ("vm-display-*": reading, inflating, drawing) and the capture thread
 * ("video-capture": the frame copy and the JPEG encode). The server's own threads are not counted.
 *
 * usage: VmDisplayBench SECONDS WIDTH HEIGHT raw|zlib [MAX_FPS]
 *        VmDisplayBench keys RUNS   (a local QEMU's SeaBIOS: Esc through HidInput → boot menu in the source's frames)
 */
public final class VmDisplayBench {

    public static void main(String[] args) throws Exception {
        if (args[0].equals("keys")) {
            keys(Integer.parseInt(args[1]));
            return;
        }
        int seconds = Integer.parseInt(args[0]);
        int width = Integer.parseInt(args[1]);
        int height = Integer.parseInt(args[2]);
        boolean zlib = args[3].equals("zlib");
        int maxFps = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        byte[][] frames = pictures(width, height);
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> serve(server, width, height, frames, zlib), "fake-qemu");
            serving.setDaemon(true);
            serving.start();
            VmDisplaySource source = new VmDisplaySource("bench", connector(server.getLocalPort()), maxFps);
            VideoStream stream = new VideoStream(source, new StreamSettings(80, 60, Duration.ofSeconds(5), 1,
                    Duration.ofSeconds(1), Duration.ofSeconds(2)));
            try (VideoStream.Viewer viewer = stream.watch()) {
                long seq = awaitFrames(stream, 0, 15_000);
                long cpu0 = cpu();
                long t0 = System.nanoTime();
                long jpegs = 0;
                long bytes = 0;
                long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() < end) {
                    EncodedFrame f = stream.jpeg().awaitNewer(seq, 1, TimeUnit.SECONDS);
                    if (f != null) {
                        seq = f.sequence();
                        jpegs++;
                        bytes += f.length();
                        f.release();
                    }
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long cpu = cpu() - cpu0;
                System.out.printf("%dx%d %s, max %d fps: %.1f JPEG frames/s (%.0f KiB each), in %.1f fps; "
                        + "CPU %.2f ms per frame (%.2f core)%n", width, height, zlib ? "Zlib" : "Raw", maxFps, jpegs / elapsed,
                        bytes / 1024.0 / Math.max(1, jpegs), stream.status().fpsIn(), cpu / 1e6 / Math.max(1, jpegs),
                        cpu / 1e9 / elapsed);
            }
            stream.close();
        }
    }

    /** Keypress → changed picture: Esc typed the way the console types, timed until the source's frame shows the menu. */
    private static void keys(int runs) throws Exception {
        java.util.List<Long> ms = new java.util.ArrayList<>();
        for (int run = 0; run < runs; run++) {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vmd-bench");
            java.nio.file.Path socket = dir.resolve("vnc.sock");
            Process qemu = new ProcessBuilder(List.of("qemu-system-x86_64", "-accel", "tcg", "-M", "q35", "-m", "64",
                    "-nodefaults", "-vga", "std", "-display", "none", "-vnc", "unix:" + socket, "-boot",
                    "menu=on,splash-time=30000", "-no-reboot", "-serial", "none", "-monitor", "none"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                while (!java.nio.file.Files.exists(socket)) {
                    Thread.sleep(20);
                }
                VmDisplaySource source = new VmDisplaySource("bench", new VmDisplaySource.Connector() {
                    @Override
                    public Tunnel open() throws SourceException {
                        try {
                            return new UnixTunnel(socket);
                        } catch (IOException e) {
                            throw lost(e.getMessage());
                        }
                    }

                    @Override
                    public SourceException lost(String detail) {
                        return new SourceException(SourceState.ERROR, detail);
                    }
                }, 60);
                source.open();
                TextScreen banner;
                do {
                    banner = TextScreen.of(source.grab());
                } while (banner.litLines() < 2);
                InputRoute route = new InputRoute(null);
                route.follow(() -> source);
                org.passkvm.hid.HidInput input = new org.passkvm.hid.HidInput(route);
                long t0 = System.nanoTime();
                input.tap(0x29);
                TextScreen now;
                do {
                    now = TextScreen.of(source.grab());
                } while (now.litLines() <= banner.litLines());
                ms.add((System.nanoTime() - t0) / 1_000_000);
                source.close();
            } finally {
                qemu.destroyForcibly().waitFor();
            }
        }
        java.util.Collections.sort(ms);
        System.out.printf("Esc → boot menu in the VM source's frames, %d runs: median %d ms, min %d, max %d%n", runs,
                ms.get(ms.size() / 2), ms.get(0), ms.get(ms.size() - 1));
    }

    private static long awaitFrames(VideoStream stream, long seq, long ms) throws InterruptedException {
        EncodedFrame f = stream.jpeg().awaitNewer(seq, ms, TimeUnit.MILLISECONDS);
        if (f == null) {
            throw new IllegalStateException("no frame: " + stream.status().detail());
        }
        long s = f.sequence();
        f.release();
        return s;
    }

    /** Thread CPU of the VM display's reader and the capture thread, in ns. */
    private static long cpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && (t.getThreadName().startsWith("vm-display-") || t.getThreadName().equals("video-capture"))) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    /** Two desktop-like pictures (a window moved by 40 pixels over a gradient), as 32-bit xRGB little-endian. */
    private static byte[][] pictures(int w, int h) {
        byte[][] out = new byte[2][];
        for (int n = 0; n < 2; n++) {
            byte[] raw = new byte[w * h * 4];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean window = x > w / 5 + n * 40 && x < w / 2 + n * 40 && y > h / 5 && y < h * 3 / 5;
                    int rgb = window ? ((x / 8 + y / 16) % 3 == 0 ? 0x202020 : 0xF0F0F0) : (x * 255 / w) << 8 | (y * 255 / h);
                    int i = (y * w + x) * 4;
                    raw[i] = (byte) rgb;
                    raw[i + 1] = (byte) (rgb >> 8);
                    raw[i + 2] = (byte) (rgb >> 16);
                }
            }
            out[n] = raw;
        }
        return out;
    }

    private static void serve(ServerSocket server, int w, int h, byte[][] frames, boolean zlib) {
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 20));
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.readFully(new byte[12]);
            out.write(new byte[] {1, 1});
            out.flush();
            in.readUnsignedByte();
            out.writeInt(0);
            out.flush();
            in.readUnsignedByte();
            out.writeShort(w);
            out.writeShort(h);
            out.write(new byte[] {32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0, 0, 0, 0});
            byte[] name = "bench".getBytes(StandardCharsets.US_ASCII);
            out.writeInt(name.length);
            out.write(name);
            out.flush();
            int n = 0;
            Deflater deflater = new Deflater(1);
            byte[] packed = new byte[w * h * 4 + 4096];
            while (true) {
                int type = in.readUnsignedByte();
                switch (type) {
                    case 0 -> in.readFully(new byte[19]);
                    case 2 -> {
                        in.readUnsignedByte();
                        in.readFully(new byte[4 * in.readUnsignedShort()]);
                    }
                    case 3 -> {
                        in.readFully(new byte[9]);
                        byte[] raw = frames[n++ % 2];
                        out.writeByte(0);
                        out.writeByte(0);
                        out.writeShort(1);
                        out.writeShort(0);
                        out.writeShort(0);
                        out.writeShort(w);
                        out.writeShort(h);
                        out.writeInt(zlib ? 6 : 0);
                        if (zlib) { // one deflate stream for the connection, as QEMU keeps it
                            deflater.setInput(raw);
                            int len = deflater.deflate(packed, 0, packed.length, Deflater.SYNC_FLUSH);
                            out.writeInt(len);
                            out.write(packed, 0, len);
                        } else {
                            out.write(raw);
                        }
                        out.flush();
                    }
                    default -> {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the bench ended
        }
    }

    private static VmDisplaySource.Connector connector(int port) {
        return new VmDisplaySource.Connector() {
            @Override
            public Tunnel open() throws SourceException {
                try {
                    Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port);
                    s.setTcpNoDelay(true);
                    return new Tunnel() {
                        @Override
                        public InputStream in() {
                            try {
                                return s.getInputStream();
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }

                        @Override
                        public OutputStream out() {
                            try {
                                return s.getOutputStream();
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }

                        @Override
                        public String describe() {
                            return "tcp:" + port;
                        }

                        @Override
                        public void close() {
                            try {
                                s.close();
                            } catch (IOException e) {
                                // done
                            }
                        }
                    };
                } catch (IOException e) {
                    throw new SourceException(SourceState.ERROR, e.getMessage());
                }
            }

            @Override
            public SourceException lost(String detail) {
                return new SourceException(SourceState.ERROR, detail);
            }
        };
    }

    private VmDisplayBench() {}
}
