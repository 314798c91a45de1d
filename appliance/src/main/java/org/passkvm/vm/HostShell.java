package org.passkvm.vm;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.passkvm.web.Refusal.Kind;

/**
 * A shell on the VM host for the few things libvirt has no API for ({@code sriov_numvfs}; an mdev where mdevctl is
 * missing). It goes exactly the way libvirt's {@code qemu+ssh} link goes: the URI's user, host, port, {@code keyfile}
 * and {@code command} (the ssh binary or a wrapper that pins the host key), with no terminal and no questions. No
 * other identity is ever used, and only scripts PassKVM builds from checked values are run.
 *
 * <p>The system's {@code ssh}, not a Java SSH client: it is the same binary, {@code known_hosts}, wrapper and options
 * libvirt's own link runs, so the host key PassKVM trusts is pinned in one place and there is no second trust store
 * to keep in step. {@link #sharingOneConnection} lets many commands run at once over one SSH connection (OpenSSH's
 * connection multiplexing), so that a survey of many small commands costs one handshake, not one each.
 */
public final class HostShell implements AutoCloseable {

    /** How much standard output {@link #run} keeps by default; the rest is read and dropped. */
    static final int MAX_OUTPUT = 4 * 1024 * 1024;

    private final String uri;
    private final List<String> ssh;
    /** The multiplexing master's socket folder (private to this shell), or null: one connection per command. */
    private final java.nio.file.Path controlDir;

    private HostShell(String uri, List<String> ssh) {
        this(uri, ssh, null);
    }

    private HostShell(String uri, List<String> ssh, java.nio.file.Path controlDir) {
        this.uri = uri;
        this.ssh = ssh;
        this.controlDir = controlDir;
    }

    /** The shell behind a libvirt URI; one for any other transport refuses every command as UNSUPPORTED. */
    public static HostShell forUri(String libvirtUri) {
        URI u;
        try {
            u = URI.create(libvirtUri);
        } catch (IllegalArgumentException e) {
            return new HostShell(libvirtUri, null);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        if (!scheme.endsWith("+ssh") || u.getHost() == null) {
            return new HostShell(libvirtUri, null);
        }
        Map<String, String> q = query(u.getRawQuery());
        List<String> cmd = new ArrayList<>(List.of(q.getOrDefault("command", "ssh"), "-T", "-e", "none", "-o", "BatchMode=yes"));
        if (u.getPort() > 0) {
            cmd.addAll(List.of("-p", String.valueOf(u.getPort())));
        }
        if (u.getUserInfo() != null) {
            cmd.addAll(List.of("-l", u.getUserInfo()));
        }
        if (q.containsKey("keyfile")) {
            cmd.addAll(List.of("-i", q.get("keyfile")));
        }
        if ("1".equals(q.get("no_verify"))) {
            cmd.addAll(List.of("-o", "StrictHostKeyChecking=no"));
        }
        cmd.add("--");
        cmd.add(u.getHost());
        return new HostShell(libvirtUri, List.copyOf(cmd));
    }

    /**
     * Runs a POSIX shell script on the host as the link's user; its standard output.
     *
     * @throws VmHostException UNSUPPORTED without an ssh link, UNAVAILABLE when ssh cannot connect (255), FAILED when
     *     the script fails (with its standard error)
     */
    public String run(String what, String script, Duration timeout) {
        return run(what, script, null, timeout, MAX_OUTPUT);
    }

    /**
     * Runs a script with {@code stdin} (null: none) as its standard input, keeping at most {@code maxOutput} bytes of
     * its standard output (the rest is read and dropped, so the script never stalls on a full pipe).
     */
    public String run(String what, String script, byte[] stdin, Duration timeout, int maxOutput) {
        if (ssh == null) {
            throw new VmHostException(Kind.UNSUPPORTED, what + ": needs a shell on the host, which PassKVM only has over "
                    + "a qemu+ssh link (this host is " + uri.replaceAll("\\?.*", "") + ")");
        }
        List<String> cmd = new ArrayList<>(ssh);
        if (controlDir != null) {
            cmd.addAll(1, sharing());
        }
        cmd.add(script);
        return exec(what, cmd, stdin, timeout, maxOutput);
    }

    /**
     * Runs a local command line the same way {@link #run} runs ssh: bounded in time and output, stderr kept for the
     * message. Exit status 255 is ssh's own failure (UNAVAILABLE); any other non-zero status is the script's (FAILED).
     */
    public static String exec(String what, List<String> cmd, byte[] stdin, Duration timeout, int maxOutput) {
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            p = pb.start();
        } catch (IOException e) {
            throw new VmHostException(Kind.UNAVAILABLE, what + ": cannot run " + cmd.get(0) + ": " + e.getMessage());
        }
        try {
            if (stdin != null) {
                feed(p, stdin);
            }
            var out = p.getInputStream();
            var err = p.getErrorStream();
            var outText = new java.util.concurrent.CompletableFuture<String>();
            var errText = new java.util.concurrent.CompletableFuture<String>();
            drain("host-shell-out", out, maxOutput, outText);
            drain("host-shell-err", err, 64 * 1024, errText);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new VmHostException(Kind.UNAVAILABLE, what + ": the host did not answer within " + seconds(timeout));
            }
            String stdout = outText.get(5, TimeUnit.SECONDS);
            String stderr = errText.get(5, TimeUnit.SECONDS).strip();
            if (p.exitValue() == 255) {
                throw new VmHostException(Kind.UNAVAILABLE, what + ": ssh to the host failed: " + stderr);
            }
            if (p.exitValue() != 0) {
                throw new VmHostException(Kind.FAILED, what + ": " + (stderr.isEmpty() ? "exit status " + p.exitValue() : stderr));
            }
            return stdout;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VmHostException(Kind.UNAVAILABLE, what + ": interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new VmHostException(Kind.FAILED, what + ": reading its output: " + e.getMessage());
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Writes the script's standard input on its own thread, so a script that does not read it cannot stall us. */
    private static void feed(Process p, byte[] stdin) {
        Thread t = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // the script ended without reading it all: its exit status says what happened
            }
        }, "host-shell-in");
        t.setDaemon(true);
        t.start();
    }

    /** Reads a stream to its end on its own thread (a full pipe would stall ssh), keeping the first {@code max} bytes. */
    private static void drain(String name, java.io.InputStream in, int max, java.util.concurrent.CompletableFuture<String> into) {
        Thread t = new Thread(() -> into.complete(readQuietly(in, max)), name);
        t.setDaemon(true);
        t.start();
    }

    private static String readQuietly(java.io.InputStream in, int max) {
        try (in) {
            byte[] kept = in.readNBytes(max);
            long dropped = in.transferTo(java.io.OutputStream.nullOutputStream());
            String text = new String(kept, StandardCharsets.UTF_8);
            return dropped == 0 ? text : text + "\n[... " + dropped + " more bytes not kept]\n";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * This shell with OpenSSH connection sharing: the first command opens a master connection whose socket lives in
     * {@code privateDir} (created owner-only; the socket grants the link's identity to whoever can reach it), and every
     * later or parallel command rides on it. The master lingers {@code persist} after the last command, then ends;
     * {@link #close} ends it at once. A shell without an ssh link is returned as it is.
     */
    public HostShell sharingOneConnection(java.nio.file.Path privateDir) throws IOException {
        if (ssh == null) {
            return this;
        }
        java.nio.file.Files.createDirectories(privateDir);
        java.nio.file.Files.setPosixFilePermissions(privateDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return new HostShell(uri, ssh, privateDir);
    }

    private List<String> sharing() {
        // One short name: the folder is this shell's alone, and a unix socket's path must stay under ~100 characters
        // (ssh adds a random suffix while it sets the master up).
        return List.of("-o", "ControlMaster=auto", "-o", "ControlPath=" + controlDir.resolve("m"), "-o", "ControlPersist=60");
    }

    /** Ends the shared connection, if there is one. */
    @Override
    public void close() {
        if (controlDir == null || ssh == null) {
            return;
        }
        List<String> cmd = new ArrayList<>(ssh);
        cmd.addAll(1, sharing());
        cmd.addAll(cmd.size() - 2, List.of("-O", "exit"));
        try {
            exec("closing the shared ssh connection", cmd, null, Duration.ofSeconds(5), 4096);
        } catch (VmHostException e) {
            // no master was running (nothing was ever run, or it already timed out)
        }
        try {
            java.nio.file.Files.deleteIfExists(controlDir.resolve("m"));
            java.nio.file.Files.deleteIfExists(controlDir);
        } catch (IOException e) {
            // a master that is still going keeps its socket; the folder stays private
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The ssh command line (without the script): the link's plain argv, never the shared connection's options, so a
     * caller may add its own (e.g. a tunnel). Null without an ssh link.
     */
    public List<String> command() {
        return ssh;
    }
}
