package org.passkvm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The external tools a test runs, looked up in the repository's one list, {@code .ci/tools}, which
 * {@code .ci/check-tools} also checks after {@code .ci/run} installs {@code .ci/packages}. In CI
 * ({@code CI=true}) a missing tool fails the test, so a green run never hides an untested capability;
 * on a developer's machine the test is skipped, naming the package to install.
 */
public final class Tools {

    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");
    private static volatile Map<String, String> packages;

    private Tools() {}

    /** Fails (in CI) or skips (elsewhere) the calling test unless every named tool is there. */
    public static void require(String... names) {
        StringBuilder missing = new StringBuilder();
        for (String name : names) {
            if (find(name).isEmpty()) {
                missing.append(missing.length() == 0 ? "" : ", ").append(name).append(" (apt-get install ")
                        .append(packageOf(name)).append(')');
            }
        }
        if (missing.length() == 0) {
            return;
        }
        if (inCi()) {
            Assertions.fail("missing tool in CI: " + missing + "; .ci/run installs .ci/packages");
        }
        Assumptions.abort("skipped, missing " + missing);
    }

    /** The tool's path after {@link #require}: the file itself, or the command found on PATH and sbin. */
    public static Path path(String name) {
        require(name);
        return find(name).orElseThrow();
    }

    /** Whether the tool is there, for a test that only adds a check when it is (never a reason to skip). */
    public static boolean present(String name) {
        return find(name).isPresent();
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static Optional<Path> find(String name) {
        packageOf(name);   // a tool the list does not name is a mistake in the test, not a missing tool
        if (name.contains("/")) {
            return Optional.of(Path.of(name)).filter(Files::exists);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.concat(Stream.of(path.split(":")), SYSTEM_DIRS.stream())
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String packageOf(String name) {
        String pkg = list().get(name);
        if (pkg == null) {
            throw new IllegalArgumentException(name + " is not in .ci/tools: add it there with its Debian package");
        }
        return pkg;
    }

    private static Map<String, String> list() {
        Map<String, String> known = packages;
        if (known == null) {
            known = new LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(repository().resolve(".ci/tools"))) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length >= 2 && !fields[0].startsWith("#")) {
                        known.put(fields[0], fields[1]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            packages = known;
        }
        return known;
    }

    /** The repository's root: Maven passes it as {@code passkvm.repo}; otherwise found above the working folder. */
    public static Path repository() {
        String fromBuild = System.getProperty("passkvm.repo");
        Path dir = fromBuild != null && !fromBuild.isBlank() ? Path.of(fromBuild) : Path.of("").toAbsolutePath();
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(".ci/tools"))) {
                return p;
            }
        }
        throw new IllegalStateException(".ci/tools not found above " + dir);
    }
}
