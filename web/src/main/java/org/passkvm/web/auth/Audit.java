package org.passkvm.web.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * The audit log, in two files of one JSON line per entry, so that anonymous noise can never push
 * out what matters:
 * <ul>
 * <li>{@code audit.log}: what a known user did: logins that succeeded, user changes, every
 * state-changing request (power, VMs, media, input, admin actions);
 * <li>{@code audit-failures.log}: failed logins, which anyone can cause: at most one line per
 * source and minute, with a count and the first few user names tried.
 * </ul>
 * Every field an attacker chooses is cut short and has its control and formatting characters
 * escaped, so a line stays one line of bounded size. Each file keeps its own number of entries
 * (segments of a fixed number of lines) and its own maximum age; the files are readable by
 * the owner only. Lines are appended and never rewritten: a power cut loses at most the last one,
 * and failures still being counted for the current minute.
 */
public final class Audit {

    /** How much one file keeps: {@code segments} files of {@code linesPerSegment} entries, none older than {@code maxAge}. */
    record Retention(int linesPerSegment, int segments, Duration maxAge) {}

    static final Retention PRIVILEGED = new Retention(10_000, 5, Duration.ofDays(365));
    static final Retention FAILURES = new Retention(5_000, 2, Duration.ofDays(30));
    static final int MAX_NAME = 64;
    static final int MAX_TARGET = 256;
    /** User names shown per aggregated failure line. */
    static final int NAMES_PER_LINE = 3;
    /** Sources counted at once; past it, the pending counts are written out early. */
    static final int MAX_PENDING_SOURCES = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Failed logins from one source in the current minute. */
    private static final class Pending {
        final Instant minute;
        final Instant first;
        Instant last;
        int count;
        final Set<String> users = new LinkedHashSet<>();

        Pending(Instant minute, Instant first) {
            this.minute = minute;
            this.first = first;
            this.last = first;
        }
    }

    private final Log privileged;
    private final Log failures;
    private final Clock clock;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    public Audit(Path dataDir) {
        this(dataDir, Clock.systemUTC());
    }

    public Audit(Path dataDir, Clock clock) {
        this(dataDir, clock, PRIVILEGED, FAILURES);
    }

    Audit(Path dataDir, Clock clock, Retention privileged, Retention failures) {
        this.clock = clock;
        this.privileged = new Log(dataDir.resolve("audit.log"), privileged, clock);
        this.failures = new Log(dataDir.resolve("audit-failures.log"), failures, clock);
    }

    /** What a known user did (its {@code user} is authenticated): kept over any amount of failed logins. */
    public synchronized void record(String user, String address, String action, String target, int status) {
        flushPending(false);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("user", clean(user, MAX_NAME));
        line.put("address", clean(address, MAX_NAME));
        line.put("action", clean(action, MAX_NAME));
        line.put("target", clean(target, MAX_TARGET));
        line.put("status", status);
        privileged.append(line);
    }

    /**
     * A failed login from {@code address} as {@code user} (any way in: the limiter reports them
     * all). Counted, and written as one line per source per minute.
     */
    public synchronized void failedLogin(String address, String user) {
        Instant now = clock.instant();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        String source = clean(address, MAX_NAME);
        Pending p = pending.get(source);
        if (p != null && !p.minute.equals(minute)) {
            write(source, pending.remove(source));
            p = null;
        }
        if (p == null) {
            if (pending.size() >= MAX_PENDING_SOURCES) {
                flushPending(true);
            }
            p = new Pending(minute, now);
            pending.put(source, p);
        }
        p.count++;
        p.last = now;
        if (p.users.size() < NAMES_PER_LINE) {
            p.users.add(clean(user, MAX_NAME));
        }
        flushPending(false);
    }

    /** Writes out the counts of minutes that have ended (all of them when {@code all}). */
    private void flushPending(boolean all) {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Pending> e = it.next();
            if (all || e.getValue().minute.isBefore(minute)) {
                write(e.getKey(), e.getValue());
                it.remove();
            }
        }
    }

    private void write(String source, Pending p) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", p.last.toString());
        line.put("since", p.first.toString());
        line.put("user", p.users.isEmpty() ? null : p.users.iterator().next());
        line.put("users", List.copyOf(p.users));
        line.put("address", source);
        line.put("action", "LOGIN");
        line.put("target", "failed");
        line.put("status", 401);
        line.put("count", p.count);
        failures.append(line);
    }

    /** The newest entries of both files, newest last; failures still being counted are written first. */
    public synchronized List<Map<String, Object>> tail(int max) throws IOException {
        flushPending(true);
        List<Map<String, Object>> all = new ArrayList<>(privileged.tail(max));
        all.addAll(failures.tail(max));
        all.sort(Comparator.comparing(m -> instant(m.get("time"))));
        return all.subList(Math.max(0, all.size() - max), all.size());
    }

    private static Instant instant(Object time) {
        try {
            return Instant.parse(String.valueOf(time));
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * Cuts {@code s} to {@code max} characters and writes control and formatting characters (line
     * breaks, bidi overrides, zero-width ones) as {@code \\uXXXX}, so what an attacker typed cannot
     * forge or hide lines in a viewer or a terminal.
     */
    static String clean(String s, int max) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
        int i = 0;
        for (; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (i < s.length()) {
            b.append('…');
        }
        return b.toString();
    }

    /** One audit file and its rotated segments ({@code name.1} the newest of them). */
    private static final class Log {
        private final Path file;
        private final Retention retention;
        private final Clock clock;
        private int lines = -1;
        /** When the current segment's first entry was written (null: empty). */
        private Instant firstTime;

        Log(Path file, Retention retention, Clock clock) {
            this.file = file;
            this.retention = retention;
            this.clock = clock;
        }

        void append(Map<String, Object> line) {
            try {
                if (lines < 0) {
                    open();
                }
                Instant now = clock.instant();
                if (lines >= retention.linesPerSegment()
                        || firstTime != null && firstTime.isBefore(now.minus(retention.maxAge()))) {
                    rotate();
                }
                if (lines == 0 || firstTime == null) {
                    firstTime = now;
                }
                Files.write(file, (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.APPEND, StandardOpenOption.DSYNC);
                lines++;
            } catch (IOException e) {
                Logger.warn("Could not write the audit log {}: {}", file, e.getMessage());
            }
        }

        private void open() throws IOException {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                ownerOnly(file); // a log from before, perhaps 0644
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            try (Stream<String> s = Files.lines(file)) {
                lines = (int) s.count();
            }
            try (Stream<String> s = Files.lines(file)) {
                firstTime = s.findFirst().map(l -> {
                    try {
                        return Instant.parse(JSON.readTree(l).path("time").asText());
                    } catch (IOException | RuntimeException e) {
                        return null;
                    }
                }).orElse(null);
            }
            dropOld();
        }

        private void rotate() throws IOException {
            Files.deleteIfExists(segment(retention.segments() - 1));
            for (int i = retention.segments() - 2; i >= 1; i--) {
                if (Files.exists(segment(i))) {
                    Files.move(segment(i), segment(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (retention.segments() > 1) {
                Files.move(file, segment(1), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.delete(file);
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            lines = 0;
            firstTime = null;
            dropOld();
        }

        /** Rotated segments whose newest entry is past the maximum age go. */
        private void dropOld() throws IOException {
            Instant limit = clock.instant().minus(retention.maxAge());
            for (int i = 1; i < retention.segments() + 8; i++) {
                Path p = segment(i);
                if (Files.exists(p) && (i >= retention.segments() || newest(p).isBefore(limit))) {
                    Files.delete(p);
                }
            }
        }

        /** The time of a segment's last entry (the file time when it has none readable). */
        private static Instant newest(Path p) throws IOException {
            List<String> all = Files.readAllLines(p);
            for (int i = all.size() - 1; i >= 0; i--) {
                try {
                    return Instant.parse(JSON.readTree(all.get(i)).path("time").asText());
                } catch (IOException | RuntimeException e) {
                    // a torn line: look at the one before
                }
            }
            FileTime t = Files.getLastModifiedTime(p);
            return t.toInstant();
        }

        private Path segment(int i) {
            return file.resolveSibling(file.getFileName() + "." + i);
        }

        List<Map<String, Object>> tail(int max) throws IOException {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < retention.segments() && lines.size() < max; i++) {
                Path p = i == 0 ? file : segment(i);
                if (Files.exists(p)) {
                    List<String> more = new ArrayList<>(Files.readAllLines(p));
                    more.addAll(lines);
                    lines = more;
                }
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (String l : lines.subList(Math.max(0, lines.size() - max), lines.size())) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = JSON.readValue(l, Map.class);
                    out.add(m);
                } catch (IOException e) {
                    // a torn last line after a power cut: skip it
                }
            }
            return out;
        }

        private static void ownerOnly(Path p) {
            try {
                Files.setPosixFilePermissions(p, OWNER_ONLY);
            } catch (IOException | UnsupportedOperationException e) {
                Logger.warn("Could not make {} readable by its owner only: {}", p, e.getMessage());
            }
        }
    }
}
