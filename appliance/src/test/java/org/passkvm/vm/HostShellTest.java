package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void aSharedShellRidesOneMasterConnectionWhoseSocketIsInAPrivateFolderAndKeepsThePlainCommand(@TempDir Path tmp) throws Exception {
        // A stand-in for the link's ssh wrapper that prints what it was asked to run.
        Path fake = tmp.resolve("ssh");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        HostShell plain = HostShell.forUri("qemu+ssh://root@gpu-host/system?command=" + fake);
        HostShell shared = plain.sharingOneConnection(tmp.resolve("mux"));

        String argv = shared.run("probing", "true", Duration.ofSeconds(10));
        shared.close();

        assertThat(argv.lines()).containsSubsequence("-o", "ControlMaster=auto", "-o", "ControlPath=" + tmp.resolve("mux/m"),
                "-o", "ControlPersist=60", "--", "gpu-host", "true");
        assertThat(Files.exists(tmp.resolve("mux"))).as("close() removes the socket's folder").isFalse();
        assertThat(shared.command()).isEqualTo(plain.command()).doesNotContain("ControlMaster=auto");
    }

    @Test
    void outputBeyondTheLimitIsReadAndDropped() {
        String out = HostShell.exec("printing", java.util.List.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"), null,
                Duration.ofSeconds(10), 1000);
        assertThat(out).startsWith("x".repeat(1000)).endsWith("[... 99000 more bytes not kept]\n");
    }
}
