package org.passkvm.doctor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.vm.HostShell;
import org.passkvm.web.Health;
import org.passkvm.web.Refusal;

/**
 * The passthrough doctor of one host: surveys it on request, remembers the last survey for health, and plans and
 * applies the file fixes it may apply.
 */
public final class Doctor implements AutoCloseable {

    /** The demo's recorded host, shipped in the jar. */
    static final String DEMO_RECORDING = "/doctor/demo-host.tree";
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
    static final Duration INITRAMFS_TIMEOUT = Duration.ofMinutes(10);

    /** What an applied fix did. */
    public record Applied(String check, String file, String diff, List<String> then, String initramfs) {}

    private final Host host;
    private final List<Check> checks;
    private final Duration timeout;
    private final FileFixes fixes;
    private volatile Survey.Report last;

    Doctor(Host host, List<Check> checks, Duration timeout) {
        this.host = host;
        this.checks = checks;
        this.timeout = timeout;
        this.fixes = new FileFixes(host, timeout);
    }

    /**
     * The doctor for a libvirt link: over its SSH identity, sharing one connection whose socket lives in a private
     * folder under the system's temporary folder (a socket path must be short).
     */
    public static Doctor overLink(String libvirtUri) throws IOException {
        HostShell shell = HostShell.forUri(libvirtUri).sharingOneConnection(
                java.nio.file.Files.createTempDirectory("passkvm-ssh"));
        return new Doctor(new SshHost(shell), Checks.all(), CHECK_TIMEOUT);
    }

    /** The demo's doctor: the shipped recorded host, unpacked under {@code dataDir} (so applied fixes show). */
    public static Doctor demo(Path dataDir) throws IOException {
        return new Doctor(RecordedHost.unpack(RecordedHost.resource(DEMO_RECORDING), dataDir.resolve("doctor").resolve("demo-host")),
                Checks.all(), CHECK_TIMEOUT);
    }

    /** Runs every check now. */
    public Survey.Report survey() {
        Survey.Report r = new Survey(host, checks, timeout).run();
        last = r;
        return r;
    }

    FileFixes.Plan plan(String checkId) {
        known(checkId);
        return fixes.plan(checkId);
    }

    /**
     * Applies a check's file fix after the caller confirmed the diff it saw.
     *
     * @param digest the SHA-256 of the diff the caller was shown (null: the current one, for API clients that just
     *     read it)
     */
    public Applied apply(String checkId, boolean confirm, String digest, boolean updateInitramfs) {
        known(checkId);
        if (!FileFixes.has(checkId)) {
            throw Refusal.notFound("check " + checkId + " has no fix PassKVM applies itself");
        }
        if (!confirm) {
            throw Refusal.invalid("confirm: true is required, after reading the diff (GET /api/host/checks/" + checkId + "/fix)");
        }
        FileFixes.Plan p = plan(checkId);
        if (digest != null && !digest.equals(p.digest())) {
            throw new Refusal(Refusal.Kind.CONFLICT, "the change is no longer the one shown (the host file changed): review the new diff");
        }
        fixes.write(p);
        String initramfs = null;
        if (updateInitramfs) {
            if (!p.initramfs() && !checkId.equals(Checks.KVM_MSRS)) {
                throw Refusal.invalid("this fix needs no new initramfs");
            }
            initramfs = fixes.regenerateInitramfs(INITRAMFS_TIMEOUT);
        }
        return new Applied(checkId, p.file(), p.diff(), updateInitramfs ? p.then().stream().filter(s -> !s.startsWith("update-initramfs")
                && !s.startsWith("dracut")).toList() : p.then(), initramfs);
    }

    private void known(String checkId) {
        if (checks.stream().noneMatch(c -> c.id().equals(checkId))) {
            throw Refusal.notFound("no check " + checkId);
        }
    }

    /** The last survey's counts: failing checks make the doctor's health "failing". */
    public Health.Capability health() {
        Survey.Report r = last;
        if (r == null) {
            return new Health.Capability(host.kind(), "not-run", Map.of("detail", "no survey yet: GET /api/host/checks"));
        }
        Map<String, Object> details = new LinkedHashMap<>(r.counts());
        details.put("checkedAt", r.checkedAt());
        String state = r.counts().get(Finding.FAIL) > 0 ? "failing" : r.counts().get(Finding.UNKNOWN) > 0 ? "unknown"
                : r.counts().get(Finding.WARN) > 0 ? "warnings" : "ok";
        return new Health.Capability(host.kind(), state, details);
    }

    @Override
    public void close() {
        host.close();
    }
}
