package org.passkvm.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ssh command lines that reach a VM's VNC console on the host, built from {@link HostShell}'s (the libvirt URI's
 * user, port, key and pinned host key: the one identity PassKVM has there). Nothing listens on the network: a console
 * on the host's loopback is reached through ssh's standard input and output ({@code -W}); one on a unix socket through
 * a forwarded local socket in a private folder ({@code -L}, as {@code -W} takes no paths).
 */
public final class HostTunnels {

    /** A silent link is given up after about 10 s, so a dropped host shows as such instead of a frozen picture. */
    private static final List<String> KEEPALIVE = List.of("-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=2");

    private HostTunnels() {}

    /** True when this libvirt URI goes over ssh, so consoles can be tunnelled. */
    public static boolean possible(String libvirtUri) {
        return HostShell.forUri(libvirtUri).command() != null;
    }

    /** ssh connecting its stdin/stdout to {@code address:port} on the host. */
    public static List<String> toPort(String libvirtUri, String address, int port) {
        if (!address.matches("[0-9.:a-f]+|localhost") || port <= 0 || port > 65535) {
            throw new IllegalArgumentException("not a loopback console: " + address + ":" + port);
        }
        return withOptions(libvirtUri, List.of("-W", (address.contains(":") ? "[" + address + "]" : address) + ":" + port));
    }

    /** ssh forwarding the local unix socket {@code local} to the host's {@code remote} until it is killed. */
    public static List<String> toSocket(String libvirtUri, Path local, String remote) {
        if (!remote.startsWith("/") || remote.contains(":") || remote.contains("\n")) {
            throw new IllegalArgumentException("not a socket path: " + remote);
        }
        return withOptions(libvirtUri, List.of("-N", "-o", "ExitOnForwardFailure=yes", "-o", "StreamLocalBindUnlink=yes",
                "-L", local + ":" + remote));
    }

    private static List<String> withOptions(String libvirtUri, List<String> options) {
        List<String> ssh = HostShell.forUri(libvirtUri).command();
        if (ssh == null) {
            throw new VmHostException(VmHostException.Kind.UNSUPPORTED, "VM consoles are reached over the qemu+ssh link, "
                    + "and this host is " + libvirtUri.replaceAll("\\?.*", ""));
        }
        List<String> cmd = new ArrayList<>(ssh);
        int hostAt = cmd.lastIndexOf("--");
        cmd.addAll(hostAt, KEEPALIVE);
        cmd.addAll(hostAt + KEEPALIVE.size(), options);
        return List.copyOf(cmd);
    }
}
