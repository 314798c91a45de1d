package org.passkvm.vnc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;

/** Real VNC viewers run as processes: one-shot capture tools, and TigerVNC's viewer on its own Xvfb display. */
final class Viewers {

    record Result(int code, String output) {}

    private Viewers() {}

    static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeout + ": " + new String(p.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /**
     * gvnccapture over VeNCrypt X509Plain with a PassKVM account, trusting {@code ca} the only way gtk-vnc lets it: as
     * root's ~/.pki/CA/cacert.pem, in a private mount namespace so the real home is untouched.
     */
    static Result gvncAsAccount(Path ca, String user, String password, String target, Path png)
            throws IOException, InterruptedException {
        Tools.require("gvnccapture", "python3", "unshare");
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--map-root-user", script("with-root-ca.sh").toString(),
                ca.toString(), "python3", script("pty-password.py").toString(), password, "gvnccapture", target, png.toString())
                .redirectErrorStream(true);
        pb.environment().put("PTY_USERNAME", user);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.isAlive() ? -1 : p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A binary PPM (P6, maxval 255), what the libvncclient probe writes. */
    static java.awt.image.BufferedImage readPpm(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        String[] header = new String(data, 0, Math.min(64, data.length), StandardCharsets.US_ASCII).split("\\s+", 5);
        int width = Integer.parseInt(header[1]);
        int height = Integer.parseInt(header[2]);
        int offset = data.length - width * height * 3;
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < width * height; i++) {
            int at = offset + 3 * i;
            image.setRGB(i % width, i / width, (data[at] & 0xFF) << 16 | (data[at + 1] & 0xFF) << 8 | data[at + 2] & 0xFF);
        }
        return image;
    }

    private static Path script(String name) {
        return Tools.repository().resolve("appliance/src/test/resources/vnc/" + name);
    }

    /** The obfuscated password file vncviewer/vncsnapshot read, made by TigerVNC's own vncpasswd. */
    static Path passwordFile(Path dir, String password) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "vncpasswd", ".bin");
        Process p = new ProcessBuilder("vncpasswd", "-f").redirectOutput(file.toFile()).start();
        p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        if (p.waitFor() != 0) {
            throw new IOException("vncpasswd -f failed");
        }
        return file;
    }

    /** TigerVNC's viewer connected to {@code port}, on a fresh Xvfb display, with its window found. */
    static Tiger tiger(Path dir, String password, int port, String... security) throws IOException, InterruptedException {
        Tools.require("Xvfb", "xtigervncviewer", "xdotool", "vncpasswd", "ffmpeg");
        return new Tiger(dir, passwordFile(dir, password), port, List.of(security));
    }

    static final class Tiger implements AutoCloseable {
        private final String display;
        private final Process xvfb;
        private final Process viewer;
        private final String window;

        private Tiger(Path dir, Path passwordFile, int port, List<String> security) throws IOException, InterruptedException {
            int free = 100 + (int) (ProcessHandle.current().pid() % 400);
            while (Files.exists(Path.of("/tmp/.X11-unix/X" + free))) {
                free++;
            }
            int n = free;
            display = ":" + n;
            xvfb = new ProcessBuilder("Xvfb", display, "-screen", "0", "1400x900x24", "-nolisten", "tcp")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("xvfb" + n + ".log").toFile()).start();
            Await.until(Duration.ofSeconds(20), () -> Files.exists(Path.of("/tmp/.X11-unix/X" + n)), "Xvfb on " + display);
            List<String> command = new ArrayList<>(List.of("xtigervncviewer", "-passwd", passwordFile.toString(),
                    "-geometry", "1300x760+0+0"));
            command.addAll(security);
            command.add("127.0.0.1::" + port);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("tigervnc" + n + ".log").toFile());
            pb.environment().put("DISPLAY", display);
            viewer = pb.start();
            String[] found = new String[1];
            Await.until(Duration.ofSeconds(30), () -> {
                found[0] = x("xdotool", "search", "--name", "PassKVM").strip();
                return !found[0].isEmpty();
            }, "TigerVNC's window on " + display);
            window = found[0].lines().findFirst().orElseThrow();
            x("xdotool", "windowfocus", "--sync", window);
        }

        void type(String text) {
            x("xdotool", "type", "--delay", "40", text);
        }

        void key(String name) {
            x("xdotool", "key", name);
        }

        void clickAt(int x, int y) {
            x("xdotool", "mousemove", String.valueOf(x), String.valueOf(y), "click", "1");
        }

        void screenshot(Path png) {
            x("ffmpeg", "-loglevel", "error", "-y", "-f", "x11grab", "-video_size", "1400x900", "-i", display,
                    "-frames:v", "1", png.toString());
        }

        private String x(String... command) {
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
                pb.environment().put("DISPLAY", display);
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(20, TimeUnit.SECONDS);
                return out;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            viewer.destroy();
            xvfb.destroy();
            try {
                viewer.waitFor(5, TimeUnit.SECONDS);
                xvfb.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
