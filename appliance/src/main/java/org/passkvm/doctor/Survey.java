package org.passkvm.doctor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.passkvm.vm.VmHostException;

/**
 * Runs the checks on a host: first one short command that proves the host answers (and opens the shared SSH
 * connection), then every check at once, each under its own timeout, so one hung command costs its own check only.
 * Output is bounded twice: what is read from the host, and the excerpt shown as evidence.
 */
final class Survey {

    /** One check's answer, as the API shows it. */
    record Result(String id, String title, String status, Map<String, String> evidence, String why, Finding.Fix fix, long millis) {}

    record Report(String host, String checkedAt, long millis, Map<String, Integer> counts, List<Result> checks) {}

    /** What is read of one script's output. */
    static final int MAX_READ = 256 * 1024;
    /** What of it is shown as evidence. */
    static final int MAX_EXCERPT = 4000;
    /** OpenSSH's sshd allows 10 sessions per connection (MaxSessions); stay under it. */
    static final int PARALLEL = 8;

    private final Host host;
    private final List<Check> checks;
    private final Duration timeout;

    Survey(Host host, List<Check> checks, Duration timeout) {
        this.host = host;
        this.checks = checks;
        this.timeout = timeout;
    }

    Report run() {
        long start = System.nanoTime();
        Instant at = Instant.now();
        List<Result> results = new ArrayList<>();
        String unreachable = null;
        try {
            host.run("reaching the host", "true", null, timeout, 1024);
        } catch (RuntimeException e) {
            unreachable = e.getMessage();
        }
        if (unreachable != null) {
            for (Check c : checks) {
                results.add(new Result(c.id(), c.title(), Finding.UNKNOWN, evidence(c, ""), "The host did not answer: " + unreachable,
                        null, 0));
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, checks.size()), r -> {
                Thread t = new Thread(r, "doctor-check");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Result>> futures = new ArrayList<>();
                for (Check c : checks) {
                    futures.add(pool.submit(() -> one(c)));
                }
                for (int i = 0; i < checks.size(); i++) {
                    results.add(await(checks.get(i), futures.get(i)));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of(Finding.FAIL, Finding.WARN, Finding.UNKNOWN, Finding.PASS, Finding.NOT_APPLICABLE)) {
            counts.put(s, (int) results.stream().filter(r -> r.status().equals(s)).count());
        }
        return new Report(host.kind(), at.toString(), Duration.ofNanos(System.nanoTime() - start).toMillis(), counts, List.copyOf(results));
    }

    private Result await(Check c, Future<Result> f) {
        try {
            // Each run is bounded by the shell's own timeout; this is the net under it (queueing included).
            return f.get(timeout.multipliedBy(checks.size()).plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(c.id(), c.title(), Finding.UNKNOWN, evidence(c, ""), "Interrupted", null, 0);
        } catch (Exception e) {
            f.cancel(true);
            return new Result(c.id(), c.title(), Finding.UNKNOWN, evidence(c, ""), "No answer: " + e, null, 0);
        }
    }

    private Result one(Check c) {
        long start = System.nanoTime();
        String out;
        try {
            out = host.run(c.id(), c.script(), null, timeout, MAX_READ);
        } catch (VmHostException e) {
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            String why = ms >= timeout.toMillis() || e.getMessage().endsWith("exit status 124")
                    ? "Cut at its " + timeout.toSeconds() + " s timeout: the host did not finish the check in time"
                    : "The check could not run: " + e.getMessage();
            return new Result(c.id(), c.title(), Finding.UNKNOWN, evidence(c, ""), why, null, ms);
        }
        Finding f;
        try {
            f = c.judge().apply(new Output(out));
        } catch (RuntimeException e) {
            // A host printing something no check expected must not cost the whole survey.
            f = Finding.unknown("PassKVM could not read the output: " + e);
        }
        return new Result(c.id(), c.title(), f.status(), evidence(c, out), f.why(), f.fix(),
                Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    private static Map<String, String> evidence(Check c, String output) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("command", c.shown());
        e.put("output", excerpt(output));
        return e;
    }

    static String excerpt(String output) {
        if (output.length() <= MAX_EXCERPT) {
            return output;
        }
        return output.substring(0, MAX_EXCERPT) + "\n[... cut: " + (output.length() - MAX_EXCERPT) + " more characters]\n";
    }
}
