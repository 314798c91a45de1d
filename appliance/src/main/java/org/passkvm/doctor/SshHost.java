package org.passkvm.doctor;

import java.time.Duration;
import org.passkvm.vm.HostShell;

/**
 * The real VM host over {@link HostShell} (the libvirt link's user, key and pinned host key, sharing one SSH
 * connection). Each script also runs under the host's own {@code timeout}, so a hung command is killed there and
 * not only given up on here.
 */
final class SshHost implements Host {

    private final HostShell shell;

    SshHost(HostShell shell) {
        this.shell = shell;
    }

    @Override
    public String run(String what, String script, byte[] stdin, Duration timeout, int maxOutput) {
        long seconds = Math.max(1, timeout.toSeconds());
        String remote = "timeout -k 2 " + seconds + " sh -c " + Scripts.quote(prelude() + script);
        // Our own limit is a little longer: when the host's timeout fires, its exit status (124) says so.
        return shell.run(what, remote, stdin, timeout.plusSeconds(3), maxOutput);
    }

    @Override
    public String prelude() {
        return Scripts.PRELUDE + "R=''\n";
    }

    @Override
    public String kind() {
        return "ssh";
    }

    @Override
    public void close() {
        shell.close();
    }
}
