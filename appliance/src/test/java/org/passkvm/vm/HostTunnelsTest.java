package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A VM's console is reached on the libvirt link's own ssh identity, and only on the host's loopback or a socket. */
class HostTunnelsTest {

    private static final String URI = "qemu+ssh://root@127.0.0.1:2222/system?keyfile=/etc/passkvm/id_ed25519&no_tty=1"
            + "&command=/etc/passkvm/ssh-pinned";

    @Test
    void aLoopbackPortIsReachedThroughSshsOwnStdio() {
        List<String> cmd = HostTunnels.toPort(URI, "127.0.0.1", 5901);
        assertThat(cmd.get(0)).isEqualTo("/etc/passkvm/ssh-pinned");
        assertThat(cmd).containsSubsequence("-p", "2222").containsSubsequence("-l", "root")
                .containsSubsequence("-i", "/etc/passkvm/id_ed25519").containsSubsequence("-W", "127.0.0.1:5901")
                .containsSubsequence("-o", "ServerAliveInterval=5").doesNotContain("-L");
        assertThat(cmd.subList(cmd.size() - 2, cmd.size())).as("options before the host").containsExactly("--", "127.0.0.1");
    }

    @Test
    void aUnixSocketIsForwardedToALocalOne() {
        List<String> cmd = HostTunnels.toSocket(URI, Path.of("/tmp/passkvm-vnc-1/vnc.sock"), "/var/lib/libvirt/qemu/domain-3-w/vnc.sock");
        assertThat(cmd).containsSubsequence("-N").containsSubsequence("-o", "ExitOnForwardFailure=yes")
                .containsSubsequence("-L", "/tmp/passkvm-vnc-1/vnc.sock:/var/lib/libvirt/qemu/domain-3-w/vnc.sock");
        assertThat(cmd.get(cmd.size() - 1)).isEqualTo("127.0.0.1");
    }

    @Test
    void onlyAQemuSshLinkCanTunnelAndOnlyToWhatLooksLikeAConsole() {
        assertThat(HostTunnels.possible(URI)).isTrue();
        assertThat(HostTunnels.possible("qemu:///system")).isFalse();
        assertThatThrownBy(() -> HostTunnels.toPort("qemu+tcp://host/system", "127.0.0.1", 5900))
                .isInstanceOf(VmHostException.class).hasMessageContaining("over the qemu+ssh link");
        assertThatThrownBy(() -> HostTunnels.toPort(URI, "127.0.0.1 -oProxyCommand=x", 5900))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostTunnels.toSocket(URI, Path.of("/tmp/x"), "relative/vnc.sock"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
