package org.passkvm.doctor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the checks on a host in one session: a script that starts every check at once in the background, each under
 * the host's own {@code timeout}, waits for them and prints their outputs in sections. One hung command costs its
 * own check (cut at its timeout) while the others answer, and the survey costs one SSH session, which matters on a
 * slow host: a session alone took 10-15 s on the emulated test host under load. Output is bounded twice: what each
 * check may print (on the host), and the excerpt shown as evidence.
 */
final class Survey {

    /** One check's answer, as the API shows it. */
    record Result(String id, String title, String status, Map<String, String> evidence, String why, Finding.Fix fix, long millis) {}

    record Report(String host, String checkedAt, long millis, Map<String, Integer> counts, List<Result> checks) {}

    /** What is kept of one check's output (cut on the host). */
    static final int MAX_READ = 256 * 1024;
    /** What of it is shown as evidence. */
    static final int MAX_EXCERPT = 4000;
    /** Beyond the checks' own timeout: the session itself (connecting, starting a shell) on a slow host. */
    static final Duration SESSION_MARGIN = Duration.ofSeconds(60);

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
        String token = "@@passkvm-doctor-" + UUID.randomUUID();
        List<Result> results = new ArrayList<>();
        String output = null;
        String failure = null;
        try {
            output = host.run("surveying the host", batch(token), null, timeout.plus(SESSION_MARGIN),
                    checks.size() * (MAX_READ + 200));
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
        Map<Integer, String[]> sections = output == null ? Map.of() : sections(output, token);
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            String[] s = sections.get(i);
            if (s == null) {
                String why = failure != null ? "The host did not answer: " + failure : "The host printed nothing for this check";
                results.add(new Result(c.id(), c.title(), Finding.UNKNOWN, evidence(c, ""), why, null, 0));
            } else {
                results.add(judge(c, s[0], s[1], s[2]));
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of(Finding.FAIL, Finding.WARN, Finding.UNKNOWN, Finding.PASS, Finding.NOT_APPLICABLE)) {
            counts.put(s, (int) results.stream().filter(r -> r.status().equals(s)).count());
        }
        return new Report(host.kind(), at.toString(), Duration.ofNanos(System.nanoTime() - start).toMillis(), counts,
                List.copyOf(results));
    }

    /**
     * The one script: each check's script (after the host's prelude) in its own {@code sh} under {@code timeout},
     * all started at once; then, per check, a header line {@code TOKEN index exit-status milliseconds} and its output.
     */
    private String batch(String token) {
        long seconds = Math.max(1, timeout.toSeconds());
        StringBuilder b = new StringBuilder("d=$(mktemp -d) || exit 1\ntrap 'rm -rf \"$d\"' EXIT\nnow() { date +%s%3N; }\n");
        for (int i = 0; i < checks.size(); i++) {
            // The exit status is written inside the pipe's first half: POSIX sh has no PIPESTATUS.
            b.append("( s=$(now); { timeout -k 2 ").append(seconds).append(" sh -c ")
                    .append(Scripts.quote(host.prelude() + checks.get(i).script()))
                    .append(" </dev/null 2>/dev/null; echo \"$? $(( $(now) - s ))\" > \"$d/").append(i)
                    .append(".rc\"; } | head -c ").append(MAX_READ).append(" > \"$d/").append(i).append("\" ) &\n");
        }
        b.append("wait\n");
        b.append("for i in $(seq 0 ").append(checks.size() - 1).append("); do printf '\\n%s %s %s\\n' ")
                .append(Scripts.quote(token)).append(" \"$i\" \"$(cat \"$d/$i.rc\" 2>/dev/null || echo 'x 0')\"; cat \"$d/$i\" 2>/dev/null; done\n");
        return b.toString();
    }

    /** Index → {exit status, milliseconds, output}. */
    private static Map<Integer, String[]> sections(String output, String token) {
        Map<Integer, String[]> out = new HashMap<>();
        Matcher m = Pattern.compile("\\n" + Pattern.quote(token) + " (\\d+) (\\S+) (\\d+)\\n").matcher(output);
        int index = -1;
        String[] current = null;
        int from = 0;
        while (m.find()) {
            if (current != null) {
                current[2] = output.substring(from, m.start());
                out.put(index, current);
            }
            index = Integer.parseInt(m.group(1));
            current = new String[] {m.group(2), m.group(3), ""};
            from = m.end();
        }
        if (current != null) {
            current[2] = output.substring(from);
            out.put(index, current);
        }
        return out;
    }

    private Result judge(Check c, String status, String millis, String out) {
        long ms = Long.parseLong(millis);
        if (status.equals("124") || status.equals("137")) {
            return new Result(c.id(), c.title(), Finding.UNKNOWN, evidence(c, out),
                    "Cut at its " + timeout.toSeconds() + " s timeout: the host did not finish the check in time", null, ms);
        }
        Finding f;
        try {
            f = c.judge().apply(new Output(out));
        } catch (RuntimeException e) {
            // A host printing something no check expected must not cost the whole survey.
            f = Finding.unknown("PassKVM could not read the output: " + e);
        }
        return new Result(c.id(), c.title(), f.status(), evidence(c, out), f.why(), f.fix(), ms);
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
