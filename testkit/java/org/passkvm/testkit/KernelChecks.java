package org.passkvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The one harness for kernel scenarios, both of its sides.
 *
 * <p>Inside the test VM a scenario's {@code main} runs its checks through an instance: {@link #check} runs one
 * and prints {@code CHECK name PASS|FAIL detail}, {@link #exit} prints the summary line and ends the JVM with
 * exit code 0 only if every check passed. One JVM and one VM boot serve all checks, because each costs seconds
 * under emulation.
 *
 * <p>In JUnit, {@link #asTests} turns what the VM printed into one test per expected check (a check that did not
 * run fails as clearly as one that failed), one for the summary (the scenario ran to its end) and one for the
 * exit code.
 */
public final class KernelChecks {

    /** A check's body: returns what it saw, for the report; throws (AssertionError or any other) when it fails. */
    @FunctionalInterface
    public interface Check {
        String run() throws Exception;
    }

    private static final Pattern CHECK = Pattern.compile("^CHECK (\\S+) (PASS|FAIL) ?(.*)$", Pattern.MULTILINE);
    private static final String SUMMARY = "CHECKS DONE";

    private final PrintStream out;
    private int passed;
    private int failed;

    public KernelChecks() {
        this(System.out);
    }

    KernelChecks(PrintStream out) {
        this.out = out;
    }

    /** Runs one check and prints its line; returns whether it passed. */
    public boolean check(String name, Check body) {
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a check's name is one word: '" + name + "'");
        }
        long start = System.nanoTime();
        boolean ok;
        try {
            String detail = body.run();
            out.printf("CHECK %s PASS %d ms %s%n", name, (System.nanoTime() - start) / 1_000_000, detail);
            passed++;
            ok = true;
        } catch (Throwable e) {
            out.printf("CHECK %s FAIL %s%n", name, String.valueOf(e).replace('\n', ' '));
            e.printStackTrace();
            failed++;
            ok = false;
        }
        out.flush();
        return ok;
    }

    public boolean allPassed() {
        return failed == 0;
    }

    /** The summary line {@link #asTests} looks for. */
    String summary() {
        return SUMMARY + " " + passed + " passed, " + failed + " failed";
    }

    /** Prints the summary and ends the JVM: exit code 0 if every check passed, 1 otherwise. */
    public void exit() {
        out.println(summary());
        out.flush();
        System.exit(allPassed() ? 0 : 1);
    }

    /** {@link #asTests(String, int, String, List)} of what a scenario printed in the test VM. */
    public static Stream<DynamicTest> asTests(TestVm.Result result, List<String> expected) {
        return asTests(result.stdout(), result.exitCode(), result.describe(), expected);
    }

    /**
     * One test per expected check of a scenario's output, plus "scenario-completed" (the summary line is there) and
     * "exit-code" (zero). {@code describe} is what a failure shows: the whole output, typically.
     */
    public static Stream<DynamicTest> asTests(String output, int exitCode, String describe, List<String> expected) {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : expected) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String outcome = outcome(output, name);
                assertThat(outcome).as("check %s did not run: %s", name, describe).isNotNull();
                assertThat(outcome).as(describe).startsWith("PASS");
            }));
        }
        tests.add(DynamicTest.dynamicTest("scenario-completed", () ->
            assertThat(output).as("the scenario's summary line: %s", describe).containsPattern("(?m)^" + SUMMARY + " ")));
        tests.add(DynamicTest.dynamicTest("exit-code", () -> assertThat(exitCode).as(describe).isZero()));
        return tests.stream();
    }

    /** "PASS detail" or "FAIL detail" of the last line of that check, or null if it did not run. */
    static String outcome(String output, String name) {
        Matcher m = CHECK.matcher(output);
        String outcome = null;
        while (m.find()) {
            if (m.group(1).equals(name)) {
                outcome = m.group(2) + " " + m.group(3);
            }
        }
        return outcome;
    }
}
