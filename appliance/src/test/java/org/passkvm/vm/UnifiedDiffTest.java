package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Tools;

class UnifiedDiffTest {

    @Test
    void equalTextsHaveNoDiff() {
        assertThat(UnifiedDiff.of("a", "b", "x\ny\n", "x\ny\n")).isEmpty();
    }

    @Test
    void showsChangesWithThreeLinesOfContextInHunks() {
        String before = lines(1, 20);
        String after = before.replace("line 5\n", "line five\n").replace("line 18\n", "");
        assertThat(UnifiedDiff.of("old", "new", before, after)).isEqualTo("""
                --- old
                +++ new
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +line five
                 line 6
                 line 7
                 line 8
                @@ -15,6 +15,5 @@
                 line 15
                 line 16
                 line 17
                -line 18
                 line 19
                 line 20
                """);
    }

    @Test
    void patchAppliesTheDiffExactly(@TempDir Path dir) throws Exception {
        Tools.require("patch");
        String before = lines(1, 40);
        String after = before.replace("line 3\n", "").replace("line 20\n", "line 20\nnew a\nnew b\n").replace("line 40\n", "last\n");
        Files.writeString(dir.resolve("f"), before);
        Files.writeString(dir.resolve("p"), UnifiedDiff.of("f", "f", before, after));
        Process p = new ProcessBuilder("patch", "f", "p").directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(Files.readString(dir.resolve("f"))).isEqualTo(after);
    }

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }
}
