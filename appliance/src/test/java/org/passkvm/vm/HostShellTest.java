package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The host shell goes the way the libvirt link goes, and nowhere else. */
class HostShellTest {

    @Test
    void usesTheQemuSshLinksUserPortKeyAndSshWrapper() {
        HostShell shell = HostShell.forUri("qemu+ssh://root@127.0.0.1:2222/system?keyfile=/etc/passkvm/id_ed25519&no_tty=1"
                + "&command=/etc/passkvm/ssh");
        assertThat(shell.command()).containsExactly("/etc/passkvm/ssh", "-T", "-e", "none", "-o", "BatchMode=yes", "-p", "2222",
                "-l", "root", "-i", "/etc/passkvm/id_ed25519", "--", "127.0.0.1");
    }

    @Test
    void plainSshWithTheDefaultPortAndUser() {
        assertThat(HostShell.forUri("qemu+ssh://gpu-host/system").command())
                .containsExactly("ssh", "-T", "-e", "none", "-o", "BatchMode=yes", "--", "gpu-host");
    }

    @Test
    void anyOtherLinkHasNoShell() {
        for (String uri : new String[] {"test:///tmp/demo-host.xml", "qemu:///system", "qemu+tcp://gpu-host/system"}) {
            assertThatThrownBy(() -> HostShell.forUri(uri).run("setting sriov_numvfs", "true", Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(VmHostException.class,
                            e -> assertThat(e.kind()).isEqualTo(VmHostException.Kind.UNSUPPORTED))
                    .hasMessageStartingWith("setting sriov_numvfs: needs a shell on the host, which PassKVM only has over a qemu+ssh link");
        }
    }
}
