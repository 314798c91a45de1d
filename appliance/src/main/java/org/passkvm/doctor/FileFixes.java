package org.passkvm.doctor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.passkvm.vm.UnifiedDiff;
import org.passkvm.vm.VmHostException;
import org.passkvm.web.Refusal;

/**
 * The only changes PassKVM makes to the host: module options in {@code /etc/modprobe.d/kvm.conf} and the vfio lines of
 * the initramfs module list. Each fix is known by its check's id; the file, the lines and the script that writes them
 * are fixed here. A plan shows the unified diff against the file as it is now; applying writes a temporary file next
 * to it and renames it over (atomic: the file is whole before or after, never half), and only if the file is still
 * what the diff was made from.
 */
final class FileFixes {

    static final String KVM_FILE = "/etc/modprobe.d/kvm.conf";
    static final String KVM_LINE = "options kvm ignore_msrs=1 report_ignored_msrs=0\n";
    static final String INITRAMFS_TOOLS_FILE = "/etc/initramfs-tools/modules";
    static final String DRACUT_FILE = "/etc/dracut.conf.d/10-passkvm-vfio.conf";
    static final String DRACUT_LINE = "force_drivers+=\" vfio vfio_iommu_type1 vfio_pci \"\n";
    static final String MARK = "# added by PassKVM's doctor: ";

    /**
     * @param digest SHA-256 of the diff: what a confirmation must name, so the change applied is the change shown
     * @param then what must follow for the change to take effect
     */
    record Plan(String check, String file, String diff, String digest, List<String> then, boolean initramfs,
            String before, String after) {}

    private final Host host;
    private final Duration timeout;

    FileFixes(Host host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
    }

    static boolean has(String checkId) {
        return checkId.equals(Checks.KVM_MSRS) || checkId.equals(Checks.VFIO_INITRAMFS);
    }

    /** The change the fix would make now. */
    Plan plan(String checkId) {
        if (checkId.equals(Checks.KVM_MSRS)) {
            String[] read = read(KVM_FILE, "modprobeconf '^[[:space:]]*options[[:space:]]+kvm[[:space:]]'");
            String conf = read[0];
            if (conf.matches("(?s).*\\bignore_msrs=(1|Y|y)\\b.*")) {
                throw new Refusal(Refusal.Kind.CONFLICT, "ignore_msrs is already configured: " + conf.strip());
            }
            String before = read[1];
            String after = ensureNewline(before) + MARK + "Windows guests stop on MSRs KVM does not emulate\n" + KVM_LINE;
            return plan(checkId, KVM_FILE, before, after, List.of("reboot, or with no VM running: modprobe -r kvm_intel kvm && "
                    + "modprobe kvm_intel (kvm_amd on AMD)"), false);
        }
        if (checkId.equals(Checks.VFIO_INITRAMFS)) {
            // One session: which generator the host has, and both candidate files as they are now.
            String[] tools = read(INITRAMFS_TOOLS_FILE, """
                    if [ -d $R/etc/initramfs-tools ]; then echo initramfs-tools; fi
                    if [ -d $R/etc/dracut.conf.d ] || [ -e $R/usr/bin/dracut ]; then echo dracut; fi
                    """);
            String systems = tools[0];
            if (systems.contains("initramfs-tools")) {
                String before = tools[1];
                List<String> listed = before.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .map(l -> l.split("\\s+")[0]).toList();
                List<String> missing = GpuChecks.missing(listed);
                if (missing.isEmpty()) {
                    throw new Refusal(Refusal.Kind.CONFLICT, INITRAMFS_TOOLS_FILE + " already lists the vfio modules");
                }
                String after = ensureNewline(before) + MARK + "vfio-pci claims passed-through GPUs before their own drivers\n"
                        + String.join("\n", missing) + "\n";
                return plan(checkId, INITRAMFS_TOOLS_FILE, before, after, List.of("update-initramfs -u", "reboot"), true);
            }
            if (systems.contains("dracut")) {
                String before = read(DRACUT_FILE, "true")[1];
                String after = MARK + "vfio-pci claims passed-through GPUs before their own drivers\n" + DRACUT_LINE;
                if (before.equals(after)) {
                    throw new Refusal(Refusal.Kind.CONFLICT, DRACUT_FILE + " already forces the vfio modules");
                }
                return plan(checkId, DRACUT_FILE, before, after, List.of("dracut -f", "reboot"), true);
            }
            throw new Refusal(Refusal.Kind.CONFLICT, "neither initramfs-tools nor dracut is on the host: there is no list to change");
        }
        throw new Refusal(Refusal.Kind.NOT_FOUND, "check " + checkId + " has no fix PassKVM applies itself");
    }

    private Plan plan(String check, String file, String before, String after, List<String> then, boolean initramfs) {
        String diff = UnifiedDiff.of("a" + file, "b" + file, before, after);
        return new Plan(check, file, diff, sha256(diff), then, initramfs, before, after);
    }

    /**
     * Writes the plan's file if it still holds what the plan was made from.
     *
     * @throws Refusal CONFLICT when the file changed in between
     */
    void write(Plan p) {
        String script = """
                set -e
                f=$R%s
                [ "$(cat $f 2>/dev/null | sha256sum | cut -c1-64)" = "%s" ] || { echo "the file changed since PassKVM read it: nothing written" >&2; exit 3; }
                mkdir -p "${f%%/*}"
                t=$(mktemp "${f%%/*}/.passkvm.XXXXXX")
                trap 'rm -f "$t"' EXIT
                cat > "$t"
                if [ -e "$f" ]; then chmod --reference="$f" "$t"; chown --reference="$f" "$t" 2>/dev/null || true; else chmod 644 "$t"; fi
                sync "$t"
                mv -f "$t" "$f"
                sync "${f%%/*}" 2>/dev/null || true
                """.formatted(p.file(), sha256Hex(p.before()));
        try {
            host.run("writing " + p.file(), script, p.after().getBytes(StandardCharsets.UTF_8), timeout, 4096);
        } catch (VmHostException e) {
            if (e.getMessage().contains("the file changed")) {
                throw new Refusal(Refusal.Kind.CONFLICT, p.file() + " changed on the host since it was read: review the new diff");
            }
            throw e;
        }
    }

    /** Runs the host's initramfs generator (update-initramfs -u, or dracut -f); its output. Minutes on a slow host. */
    String regenerateInitramfs(Duration limit) {
        return host.run("regenerating the initramfs", "regenerate_initramfs", null, limit, 65536);
    }

    /** One session: what {@code facts} prints, then the file (empty when it does not exist). */
    private String[] read(String file, String facts) {
        String mark = "@@passkvm-file-" + java.util.UUID.randomUUID();
        String out = host.run("reading " + file, facts + "\necho " + mark + "\ncat $R" + file + " 2>/dev/null; true", null, timeout,
                1024 * 1024);
        int at = out.indexOf(mark + "\n");
        if (at < 0) {
            throw new org.passkvm.vm.VmHostException(Refusal.Kind.FAILED, "reading " + file + ": the host's answer was cut short");
        }
        return new String[] {out.substring(0, at), out.substring(at + mark.length() + 1)};
    }

    private static String ensureNewline(String text) {
        return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    }

    static String sha256(String text) {
        return sha256Hex(text);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
