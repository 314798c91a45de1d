package org.passkvm.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Virtual media on a real kernel: one boot of the test VM runs {@link MediaKernelScenario}; each of its checks is
 * reported as a test of its own.
 */
@Tag("kernel")
class MediaKernelTest {

    private static final List<String> CHECKS = List.of("one-composite-gadget-with-hid-and-mass-storage", "upload-and-list-sha256", "cdrom-host-sees-sr-with-same-sha256",
        "cdrom-switch-image", "eject-removes-medium", "locked-medium-needs-force", "flash-writable-host-writes-land-in-file",
        "flash-read-only-switch-image", "stock-kernel-cdrom-limit", "upload-larger-than-free-space-refused-early",
        "chunked-upload-filling-the-disk-stops-and-frees-its-space", "bench-host-read-throughput");
    private static final Pattern CHECK = Pattern.compile("^CHECK (\\S+) (PASS|FAIL) (.*)$", Pattern.MULTILINE);

    @TestFactory
    Stream<DynamicTest> virtualMediaOnTheRealKernel() throws Exception {
        Assumptions.assumeTrue(onPath("qemu-system-x86_64"),
            "qemu-system-x86_64 is not installed: kernel tests skipped (apt-get install qemu-system-x86 kmod cpio)");
        Path repo = repository();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = Files.createTempFile("media-kernel", ".out");
        Process vm = new ProcessBuilder(repo.resolve("image-build/testvm/testvm").toString(), "run", "--timeout", "1500",
            "--", "java", "-Dtinylog.writer.level=info", "-Dmedia.test.timeout.seconds=120", "-cp", classPath, MediaKernelScenario.class.getName())
            .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        vm.getOutputStream().close();
        if (!vm.waitFor(1700, TimeUnit.SECONDS)) {
            vm.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        System.out.println("MediaKernelScenario in the test VM:\n" + output);
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : CHECKS) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Matcher m = CHECK.matcher(output);
                String outcome = null;
                while (m.find()) {
                    if (m.group(1).equals(name)) {
                        outcome = m.group(2) + " " + m.group(3);
                    }
                }
                assertThat(outcome).as("check %s did not run:\n%s", name, output).isNotNull();
                assertThat(outcome).as(output).startsWith("PASS");
            }));
        }
        tests.add(DynamicTest.dynamicTest("scenario-completed", () -> assertThat(output).contains("SCENARIO OK")));
        return tests.stream();
    }

    private static Path repository() {
        String fromBuild = System.getProperty("passkvm.repo");
        Path dir = fromBuild != null && !fromBuild.isBlank() ? Path.of(fromBuild) : Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("image-build/testvm/testvm"))) {
                return p;
            }
        }
        throw new IllegalStateException("image-build/testvm/testvm not found above " + dir);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
