package org.passkvm.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.passkvm.vm.HostShell;

/**
 * A host recorded from a real machine's files ({@code /proc}, {@code /sys}, {@code /etc}, debugfs) and commands
 * ({@code dmesg}, {@code uname -m}, {@code virt-host-validate}), unpacked into a folder; the doctor's scripts run on it
 * with the local {@code sh}, paths under {@code $R}. Writes land in the folder, so an applied fix shows on the next
 * survey. The recording is one text file ({@link #unpack} describes it), kept readable for review.
 */
final class RecordedHost implements Host {

    private final Path root;

    private RecordedHost(Path root) {
        this.root = root;
    }

    /** Unpacks the recording into {@code root} (replacing what was there) and returns the host. */
    static RecordedHost unpack(String recording, Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (!abs.toString().matches("[A-Za-z0-9._/+-]+")) {
            throw new IOException("a recorded host's folder must be a plain path (no spaces or quotes): " + abs);
        }
        deleteTree(abs);
        Files.createDirectories(abs);
        Path file = null;
        StringBuilder content = null;
        for (String line : recording.split("\n", -1)) {
            if (line.startsWith("@@ ")) {
                write(file, content);
                file = null;
                content = null;
                String[] w = line.substring(3).strip().split("\\s+", 2);
                switch (w[0]) {
                    case "file" -> {
                        file = inside(abs, w[1]);
                        content = new StringBuilder();
                    }
                    case "dir" -> Files.createDirectories(inside(abs, w[1]));
                    case "link" -> {
                        String[] lt = w[1].split(" -> ", 2);
                        Path link = inside(abs, lt[0]);
                        Files.createDirectories(link.getParent());
                        Files.createSymbolicLink(link, Path.of(lt[1].strip()));
                    }
                    case "pci" -> pci(abs, w[1]);
                    default -> throw new IOException("unknown recording entry: " + line);
                }
            } else if (content != null) {
                content.append(line).append('\n');
            }
        }
        write(file, content);
        return new RecordedHost(abs);
    }

    /** Reads a recording shipped in the jar. */
    static String resource(String name) throws IOException {
        try (InputStream in = RecordedHost.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code pci ADDRESS class=0x030000 id=VVVV:DDDD [driver=NAME] [group=N] [FILE=VALUE]...}: a PCI function the way
     * sysfs shows it (class, vendor and device files; driver and iommu_group links; the group's devices link back).
     */
    private static void pci(Path root, String spec) throws IOException {
        String[] w = spec.split("\\s+");
        String address = w[0];
        Path dev = inside(root, "/sys/bus/pci/devices/" + address);
        Files.createDirectories(dev);
        for (int i = 1; i < w.length; i++) {
            String[] kv = w[i].split("=", 2);
            switch (kv[0]) {
                case "id" -> {
                    Files.writeString(dev.resolve("vendor"), "0x" + kv[1].substring(0, 4) + "\n");
                    Files.writeString(dev.resolve("device"), "0x" + kv[1].substring(5) + "\n");
                }
                case "driver" -> Files.createSymbolicLink(dev.resolve("driver"), Path.of("../../../../bus/pci/drivers/" + kv[1]));
                case "group" -> {
                    Files.createSymbolicLink(dev.resolve("iommu_group"), Path.of("../../../../kernel/iommu_groups/" + kv[1]));
                    Path members = inside(root, "/sys/kernel/iommu_groups/" + kv[1] + "/devices");
                    Files.createDirectories(members);
                    Files.createSymbolicLink(members.resolve(address), Path.of("../../../../bus/pci/devices/" + address));
                }
                default -> Files.writeString(dev.resolve(kv[0]), kv[1] + "\n");
            }
        }
    }

    private static Path inside(Path root, String path) throws IOException {
        Path p = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(root)) {
            throw new IOException("a recording entry leaves its folder: " + path);
        }
        return p;
    }

    private static void write(Path file, StringBuilder content) throws IOException {
        if (file != null) {
            Files.createDirectories(file.getParent());
            // The entry's text ends where the next entry starts; its last line break belongs to the file.
            String text = content.toString();
            Files.writeString(file, text.endsWith("\n\n") ? text.substring(0, text.length() - 1) : text);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.delete(all.get(i));
        }
    }

    Path root() {
        return root;
    }

    @Override
    public String run(String what, String script, byte[] stdin, Duration timeout, int maxOutput) {
        return HostShell.exec(what, List.of("sh", "-c", prelude() + script), stdin, timeout, maxOutput);
    }

    @Override
    public String prelude() {
        return Scripts.PRELUDE + "R=" + Scripts.quote(root.toString()) + "\n" + Scripts.RECORDED_COMMANDS;
    }

    @Override
    public String kind() {
        return "recorded";
    }
}
