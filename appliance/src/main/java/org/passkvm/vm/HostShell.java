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
 */
final class HostShell {

    private final String uri;
    private final List<String> ssh;

    private HostShell(String uri, List<String> ssh) {
        this.uri = uri;
        this.ssh = ssh;
    }

    /** The shell behind a libvirt URI; one for any other transport refuses every command as UNSUPPORTED. */
    static HostShell forUri(String libvirtUri) {
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
    String run(String what, String script, Duration timeout) {
        if (ssh == null) {
            throw new VmHostException(Kind.UNSUPPORTED, what + ": needs a shell on the host, which PassKVM only has over "
                    + "a qemu+ssh link (this host is " + uri.replaceAll("\\?.*", "") + ")");
        }
        List<String> cmd = new ArrayList<>(ssh);
        cmd.add(script);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new VmHostException(Kind.UNAVAILABLE, what + ": cannot run " + cmd.get(0) + ": " + e.getMessage());
        }
        try {
            var out = p.getInputStream();
            var err = p.getErrorStream();
            var outText = new java.util.concurrent.CompletableFuture<String>();
            var errText = new java.util.concurrent.CompletableFuture<String>();
            drain("host-shell-out", out, outText);
            drain("host-shell-err", err, errText);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new VmHostException(Kind.UNAVAILABLE, what + ": the host did not answer within " + timeout.toSeconds() + " s");
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

    /** Reads a stream to its end on its own thread: a full pipe would stall ssh. */
    private static void drain(String name, java.io.InputStream in, java.util.concurrent.CompletableFuture<String> into) {
        Thread t = new Thread(() -> into.complete(readQuietly(in)), name);
        t.setDaemon(true);
        t.start();
    }

    private static String readQuietly(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
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

    /** The ssh command line (without the script), for tests. */
    List<String> command() {
        return ssh;
    }
}
