package org.passkvm.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a command inside Debian's kernel under QEMU via image-build/testvm/testvm, for tests tagged "kernel".
 * The VM sees the machine's files (read-only plus a tmpfs overlay), so a command can use this build's classes,
 * the testkit's among them: {@link #testClassPath()} is the surefire classpath, whose test classes folder holds
 * the testkit compiled with each module's tests. A scenario run this way reports through {@link KernelChecks}.
 */
public final class TestVm {

    /** What image-build/testvm/testvm runs on this machine (names in .ci/tools). */
    public static final String[] TOOLS = {"qemu-system-x86_64", "depmod", "cpio", "dpkg-deb"};

    private TestVm() {}

    /** What the command printed and returned inside the VM. */
    public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {
        public String describe() {
            return "exit " + exitCode + " after " + elapsed.toMillis() + " ms\n--- stdout\n" + stdout
                + "--- stderr\n" + stderr;
        }
    }

    /** Fails (CI) or skips (elsewhere) the calling test unless QEMU and the initramfs tools are there. */
    public static void requireTools() {
        Tools.require(TOOLS);
    }

    public static Path repository() {
        return Tools.repository();
    }

    /**
     * {@code java} with the flags a JVM in the VM's emulated CPU runs best with, then {@code args}: C1 only and one GC
     * thread, since C2's compiler threads and parallel GC workers cost more emulated CPU than they give back in a
     * run of a few minutes.
     */
    public static List<String> java(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * A kernel module built for the VM's kernel by {@code testvm module NAME} (once, in the test VM's cache): for a
     * scenario to load inside from its shared folder.
     */
    public static Path module(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(repository().resolve("image-build/testvm/testvm").toString(), "module", name)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new AssertionError("testvm module " + name + " failed (exit " + p.exitValue() + ")");
        }
        return Path.of(out);
    }

    /** The classpath of the running tests, for a java command inside the VM (same paths there). */
    public static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /**
     * Runs the command once more if the JVM inside the VM died of a fatal error: under TCG, QEMU's emulation has
     * twice crashed JIT-compiled JDK code (AES-GCM in the TLS stack), which says nothing about PassKVM. A second
     * crash, or any other failure, is returned as it is.
     */
    public static Result run(Duration timeout, List<String> command) {
        Result result = runOnce(timeout, command);
        if (result.exitCode() != 0 && emulatorCrashedTheJvm(result)) {
            System.err.println("testvm: the JVM inside the VM crashed (" + crashSite(result) + "); running the scenario again");
            result = runOnce(timeout, command);
        }
        return result;
    }

    static boolean emulatorCrashedTheJvm(Result result) {
        return (result.stdout() + result.stderr()).contains("A fatal error has been detected by the Java Runtime Environment");
    }

    private static String crashSite(Result result) {
        Matcher m = Pattern.compile("# Problematic frame:\\s*\\n#\\s*(.*)").matcher(result.stdout() + result.stderr());
        return m.find() ? m.group(1).strip() : "no frame given";
    }

    private static Result runOnce(Duration timeout, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(repository().resolve("image-build/testvm/testvm").toString(),
            "run", "--timeout", Long.toString(timeout.toSeconds()), "--"));
        argv.addAll(command);
        long start = System.nanoTime();
        try {
            Process process = new ProcessBuilder(argv).directory(repository().toFile()).start();
            process.getOutputStream().close();
            var stdout = drain(process.getInputStream());
            var stderr = drain(process.getErrorStream());
            if (!process.waitFor(timeout.toSeconds() + 120, TimeUnit.SECONDS)) { // + a first-time `prepare`
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Result(process.exitValue(), stdout.get(), stderr.get(), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A VM running in the background while the test drives it from outside (a browser through a forwarded port):
     * {@code options} are testvm's ({@code --forward PORT}, {@code --share DIR}). {@link Background#close} waits for
     * the command to end (it should, once told so through a shared folder) and kills the VM only after {@code grace}.
     */
    public static Background start(Duration timeout, List<String> options, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(repository().resolve("image-build/testvm/testvm").toString(),
            "run", "--timeout", Long.toString(timeout.toSeconds())));
        argv.addAll(options);
        argv.add("--");
        argv.addAll(command);
        try {
            Process process = new ProcessBuilder(argv).directory(repository().toFile()).start();
            process.getOutputStream().close();
            return new Background(process, drain(process.getInputStream()), drain(process.getErrorStream()), System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** See {@link #start}. */
    public static final class Background {
        private final Process process;
        private final Text stdout;
        private final Text stderr;
        private final long started;

        private Background(Process process, Text stdout, Text stderr, long started) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.started = started;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Waits up to {@code grace} for the command to end, then stops the VM; returns what it printed. */
        public Result finish(Duration grace) {
            try {
                if (!process.waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroy();
                    process.waitFor(15, TimeUnit.SECONDS);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                return new Result(process.isAlive() ? -1 : process.exitValue(), stdout.get(), stderr.get(),
                    Duration.ofNanos(System.nanoTime() - started));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException(e);
            }
        }
    }

    private interface Text {
        String get() throws InterruptedException;
    }

    private static Text drain(InputStream in) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(buffer);
            } catch (IOException ignored) {
                // the process went away; keep what we have
            }
        });
        t.setDaemon(true);
        t.start();
        return () -> {
            t.join(10_000);
            return buffer.toString(StandardCharsets.UTF_8);
        };
    }

}
