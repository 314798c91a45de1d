package org.passkvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;

/** Both sides of the kernel-scenario harness, without a VM: what a scenario prints, and the tests made from it. */
class KernelChecksTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final KernelChecks checks = new KernelChecks(new PrintStream(printed, true, StandardCharsets.UTF_8));

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Each dynamic test's name and whether it passed. */
    private static Map<String, Boolean> run(String output, int exitCode, List<String> expected) {
        return KernelChecks.asTests(output, exitCode, "the output", expected).collect(Collectors.toMap(
            DynamicTest::getDisplayName, t -> {
                try {
                    t.getExecutable().execute();
                    return true;
                } catch (Throwable failed) {
                    return false;
                }
            }, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    @Test
    void aScenarioThatPassesEveryCheckBecomesGreenTests() {
        assertThat(checks.check("first", () -> "saw 1")).isTrue();
        assertThat(checks.check("second", () -> "saw 2")).isTrue();
        String out = output() + checks.summary() + "\n";
        assertThat(out).containsPattern("(?m)^CHECK first PASS \\d+ ms saw 1$").contains("CHECKS DONE 2 passed, 0 failed");
        assertThat(run(out, 0, List.of("first", "second")))
            .containsExactly(Map.entry("first", true), Map.entry("second", true), Map.entry("scenario-completed", true),
                Map.entry("exit-code", true));
    }

    @Test
    void aFailedCheckACheckThatDidNotRunAndAnUnfinishedScenarioEachFailTheirOwnTest() {
        assertThat(checks.check("broken", () -> {
            throw new AssertionError("expected 2\nsaw 3");
        })).isFalse();
        assertThat(checks.allPassed()).isFalse();
        assertThat(output()).contains("CHECK broken FAIL java.lang.AssertionError: expected 2 saw 3");
        // the JVM died before the summary, so the exit code is not 0 either
        assertThat(run(output(), 134, List.of("broken", "never-ran")))
            .containsExactly(Map.entry("broken", false), Map.entry("never-ran", false), Map.entry("scenario-completed", false),
                Map.entry("exit-code", false));
    }

    @Test
    void aCheckNameIsOneWord() {
        assertThatThrownBy(() -> checks.check("two words", () -> "")).isInstanceOf(IllegalArgumentException.class);
    }
}
