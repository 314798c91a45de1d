package org.passkvm.doctor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A kernel command-line fix, written out for the bootloader the host uses. PassKVM never edits the command line or
 * the bootloader itself (a wrong line can leave a host that does not boot, with nobody at its console but PassKVM):
 * it gives the exact lines and commands. Needs the script's {@code bootloader} lines.
 */
final class Cmdline {

    private Cmdline() {}

    /**
     * @param add parameters to add (e.g. {@code intel_iommu=on}); a parameter with the same name already there is
     *     replaced
     */
    static Finding.Fix fix(Output o, String summary, String... add) {
        String params = String.join(" ", add);
        List<String> steps = new ArrayList<>();
        switch (o.value("bootloader")) {
            case "systemd-boot" -> {
                String line = o.value("kernel-cmdline-file");
                steps.add("In /etc/kernel/cmdline (one line; systemd-boot, as Proxmox uses it) change\n  " + line + "\nto\n  "
                        + with(line, add));
                steps.add(o.has("proxmox-boot-tool") ? "proxmox-boot-tool refresh"
                        : "kernel-install add $(uname -r) /boot/vmlinuz-$(uname -r)");
            }
            case "grub" -> {
                String line = o.value("grub-line");
                if (line.isEmpty()) {
                    steps.add("In /etc/default/grub add the line\n  GRUB_CMDLINE_LINUX_DEFAULT=\"" + params + "\"");
                } else {
                    String inner = line.replaceFirst("^GRUB_CMDLINE_LINUX_DEFAULT=", "").replaceAll("^[\"']|[\"']$", "");
                    steps.add("In /etc/default/grub change\n  " + line + "\nto\n  GRUB_CMDLINE_LINUX_DEFAULT=\"" + with(inner, add) + "\"");
                }
                steps.add("update-grub");
            }
            default -> steps.add("Add " + params + " to the kernel command line in your bootloader's configuration (PassKVM "
                    + "found neither /etc/default/grub nor /etc/kernel/cmdline), and regenerate its entries");
        }
        steps.add("reboot");
        steps.add("Check: cat /proc/cmdline shows " + params);
        return Finding.Fix.cmdline(summary + ": add " + params + " to the kernel command line", steps);
    }

    /** {@code line} with each of {@code add} in place of a parameter of the same name, or appended. */
    static String with(String line, String... add) {
        Set<String> names = new LinkedHashSet<>();
        for (String a : add) {
            names.add(a.split("=", 2)[0]);
        }
        List<String> out = new ArrayList<>();
        for (String w : line.strip().split("\\s+")) {
            if (!w.isEmpty() && !names.contains(w.split("=", 2)[0])) {
                out.add(w);
            }
        }
        out.addAll(Arrays.asList(add));
        return String.join(" ", out);
    }

    /** Whether the running kernel's command line has {@code param} (a name=value or a name). */
    static boolean has(Output o, String param) {
        return Arrays.asList(o.value("cmdline").split("\\s+")).contains(param);
    }
}
