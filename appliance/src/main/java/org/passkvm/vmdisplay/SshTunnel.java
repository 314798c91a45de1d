package org.passkvm.vmdisplay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.passkvm.vm.DomainDefinition.VncConsole;
import org.passkvm.vm.HostTunnels;

/**
 * A VM's VNC console through ssh, on the libvirt link's identity: {@code ssh -W} for a loopback port (the stream is
 * ssh's own stdin/stdout, no local port is opened), {@code ssh -L} to a socket in a private 0700 folder for a unix
 * socket. ssh's last words are kept, so a refused key or a dropped host is named on the reason screen.
 */
final class SshTunnel implements Tunnel {

    private final Process ssh;
    private final String describe;
    private final StringBuilder stderr = new StringBuilder();
    private volatile UnixTunnel socket;
    private final Path folder;

    private SshTunnel(Process ssh, String describe, UnixTunnel socket, Path folder) {
        this.ssh = ssh;
        this.describe = describe;
        this.socket = socket;
        this.folder = folder;
    }

    static SshTunnel open(String libvirtUri, VncConsole console) throws IOException {
        String host = libvirtUri.replaceAll("\\?.*", "");
        if (console.socket() == null) {
            Process p = start(HostTunnels.toPort(libvirtUri, console.address(), console.port()), false);
            SshTunnel t = new SshTunnel(p, console.describe() + " on " + host, null, null);
            t.drainErrors();
            return t;
        }
        Path folder = Files.createTempDirectory("passkvm-vnc-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path local = folder.resolve("vnc.sock");
        Process p = start(HostTunnels.toSocket(libvirtUri, local, console.socket()), true);
        SshTunnel t = new SshTunnel(p, console.describe() + " on " + host, null, folder);
        t.drainErrors();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(local)) {
            if (!p.isAlive() || System.nanoTime() > until) {
                t.close();
                throw new IOException("ssh did not forward " + console.describe() + ": " + t.failureText());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                t.close();
                throw new IOException("interrupted");
            }
        }
        try {
            t.socket = new UnixTunnel(local);
        } catch (IOException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private static Process start(List<String> cmd, boolean noInput) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (noInput) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return pb.start();
    }

    /** Keeps the last 2 KB ssh wrote to standard error; a full pipe would stall it. */
    private void drainErrors() {
        InputStream err = ssh.getErrorStream();
        Thread t = new Thread(() -> {
            byte[] buf = new byte[512];
            try (err) {
                int n;
                while ((n = err.read(buf)) > 0) {
                    synchronized (stderr) {
                        stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (stderr.length() > 2048) {
                            stderr.delete(0, stderr.length() - 2048);
                        }
                    }
                }
            } catch (IOException e) {
                // ssh ended
            }
        }, "vm-display-ssh-err");
        t.setDaemon(true);
        t.start();
    }

    private String failureText() {
        synchronized (stderr) {
            String text = stderr.toString().strip();
            return text.isEmpty() ? (ssh.isAlive() ? "no answer" : "ssh exited with status " + ssh.exitValue()) : text;
        }
    }

    @Override
    public InputStream in() {
        return socket != null ? socket.in() : ssh.getInputStream();
    }

    @Override
    public OutputStream out() {
        return socket != null ? socket.out() : ssh.getOutputStream();
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public String failure() {
        try {
            ssh.waitFor(500, TimeUnit.MILLISECONDS); // let ssh finish saying why before reading it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ssh.isAlive() && stderr.length() == 0) {
            return null;
        }
        synchronized (stderr) {
            String text = stderr.toString().strip();
            if (text.isEmpty()) {
                return null;
            }
            String last = text.lines().reduce((a, b) -> b).orElse(text);
            return "ssh: " + last;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        ssh.destroy();
        try {
            if (!ssh.waitFor(2, TimeUnit.SECONDS)) {
                ssh.destroyForcibly();
            }
        } catch (InterruptedException e) {
            ssh.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (folder != null) {
            try {
                Files.deleteIfExists(folder.resolve("vnc.sock"));
                Files.deleteIfExists(folder);
            } catch (IOException e) {
                // a leftover empty private folder harms no one
            }
        }
    }
}
