package org.passkvm.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.passkvm.testkit.Tools;
import org.passkvm.testkit.TestVm;

/**
 * The GPU-passthrough host VM ({@code image-build/testvm/testvm host}), running in the background for one test
 * class: Debian's kernel on q35 with an emulated Intel IOMMU, a display+audio pair in one IOMMU group, an NVMe
 * SR-IOV PF, a USB keyboard, and a system libvirtd reached from outside over {@code qemu+ssh} with a pinned host key,
 * the way PassKVM reaches a real host from a Pi.
 */
final class HostVm implements AutoCloseable {

    /** What QEMU's usb-kbd reports; the stand-in for PassKVM's gadget on this host. */
    static final UsbId KEYBOARD = UsbId.parse("0627:0001");
    /** The GPU-shaped pair: display at function 0, audio at function 1 of one slot. */
    static final String DISPLAY = "0000:01:00.0";
    static final String AUDIO = "0000:01:00.1";

    private final Path dir;
    private final Path script;

    private HostVm(Path dir, Path script) {
        this.dir = dir;
        this.script = script;
    }

    /** Fails (CI) or skips (elsewhere) the calling test unless what the host VM runs, inside and out, is here. */
    static void requireTools() {
        TestVm.requireTools();
        Tools.require("ssh", "ssh-keygen", "/usr/sbin/sshd", "virt-ssh-helper", "libvirtd",
                "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so", "virsh", "python3", "/lib/systemd/systemd-udevd");
    }

    /**
     * Boots it and returns once sshd and libvirtd answer.
     *
     * @param options extra {@code testvm host start} options, e.g. {@code --iommu off} or {@code --shared-group}
     */
    static HostVm start(Path dir, String... options) throws IOException, InterruptedException {
        requireTools();
        if (List.of(options).contains("--mtty")) {
            // testvm builds the mtty sample against the kernel's headers; libvirt creates instances with mdevctl.
            Tools.require("gcc", "make", "mdevctl");
        }
        Path script = TestVm.repository().resolve("image-build/testvm/testvm");
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "host", "start", "--dir", dir.toString(),
                // A JVM that dies without closing this must not leave the VM running for long.
                "--timeout", "1800"));
        cmd.addAll(List.of(options));
        HostVm vm = new HostVm(dir, script);
        try {
            System.out.println(Libvirtd.run(cmd.toArray(String[]::new)));
        } catch (IOException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    /** {@code qemu+ssh://root@127.0.0.1:PORT/system?keyfile=…&no_tty=1&command=…} with the host key pinned. */
    String uri() throws IOException {
        return Files.readString(dir.resolve("uri")).trim();
    }

    int sshPort() throws IOException {
        return Integer.parseInt(Files.readString(dir.resolve("ssh-port")).trim());
    }

    /**
     * The same URI with ssh told to expect another host key than the one sshd has: a pin that does not match must
     * stop the connection.
     */
    String uriExpectingAnotherHostKey() throws IOException {
        Path knownHosts = dir.resolve("wrong_known_hosts");
        String otherKey = Files.readString(dir.resolve("id_ed25519.pub")).split(" ")[1];
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshPort() + " ssh-ed25519 " + otherKey + "\n");
        Path wrapper = dir.resolve("ssh-wrong-pin");
        Files.writeString(wrapper, "#!/bin/sh\nexec ssh -o UserKnownHostsFile=" + knownHosts + " -F "
                + dir.resolve("ssh_config") + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return uri().replaceAll("command=[^&]*", "command=" + wrapper);
    }

    /** Runs a shell command inside the host as root (over ssh); its output, or an IOException naming it. */
    String ssh(String command) throws IOException, InterruptedException {
        return Libvirtd.run(script.toString(), "host", "ssh", "--dir", dir.toString(), "--", command);
    }

    /** virsh from outside, over the pinned qemu+ssh URI; several commands may be given separated by ";". */
    String virsh(String commands) throws IOException, InterruptedException {
        return Libvirtd.run("virsh", "-c", uri(), commands);
    }

    /** Each PCI function's driver as the host's sysfs says ("none" when unbound), one "address driver" per line. */
    String drivers(String... functions) throws IOException, InterruptedException {
        return ssh("for f in " + String.join(" ", functions) + "; do d=/sys/bus/pci/devices/$f/driver; "
                + "if [ -e $d ]; then echo \"$f $(basename $(readlink $d))\"; else echo \"$f none\"; fi; done");
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Libvirtd.run(script.toString(), "host", "stop", "--dir", dir.toString());
    }
}
