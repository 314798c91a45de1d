package org.passkvm.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;

/**
 * A real libvirtd with the QEMU driver, private to one test: session mode, its own XDG directories
 * and unix socket, so it touches nothing of the machine's. As root (CI) it runs as "nobody",
 * because libvirtd run by root is always the system daemon. No VM ever boots: only definitions.
 */
final class Libvirtd implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/libvirtd");

    private final Path dir;
    private Process process;

    private Libvirtd(Path dir) {
        this.dir = dir;
    }

    /** Starts one, or skips the test when libvirtd or QEMU is not installed. */
    static Libvirtd start() throws IOException, InterruptedException {
        Tools.require("libvirtd", "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so",
                "qemu-system-x86_64");
        Path dir = Files.createTempDirectory("passkvm-libvirtd-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String sub : List.of("home", "run", "config", "cache")) {
            Files.createDirectories(dir.resolve(sub));
        }
        if (root()) {
            run("chown", "-R", "nobody:nogroup", dir.toString());
        }
        Libvirtd d = new Libvirtd(dir);
        d.startProcess();
        return d;
    }

    String uri() {
        return "qemu:///session?socket=" + socket();
    }

    /** SIGKILL: the daemon dies without saying goodbye, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void restart() throws IOException, InterruptedException {
        startProcess();
    }

    /** What {@code virsh dumpxml --inactive} says: libvirt's own account of a definition. */
    String virshDumpXml(String vm) throws IOException, InterruptedException {
        return run("virsh", "-c", uri(), "dumpxml", "--inactive", vm);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
        run("rm", "-rf", dir.toString());
    }

    private Path socket() {
        return dir.resolve("run/libvirt/libvirt-sock");
    }

    private void startProcess() throws IOException, InterruptedException {
        Files.deleteIfExists(socket());
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        cmd.add(BINARY.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("libvirtd.log").toFile()));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        process = pb.start();
        try {
            Await.until(Duration.ofSeconds(30), () -> {
                if (!process.isAlive()) {
                    throw new IOException("libvirtd exited");
                }
                return Files.exists(socket());
            }, "libvirtd's socket");
        } catch (AssertionError e) {
            throw new IOException("libvirtd did not start (" + e.getMessage() + "): " + Files.readString(dir.resolve("libvirtd.log")), e);
        }
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }
}
