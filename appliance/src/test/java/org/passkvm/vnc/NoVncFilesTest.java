package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.Refusal;

/** /novnc/ serves the noVNC directory's files and nothing outside it. */
class NoVncFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFileOfTheNoVncDirectoryIsServedAndNothingOutsideIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("novnc/core"));
        Files.writeString(root.resolve("rfb.js"), "export default class RFB {}");
        Files.writeString(dir.resolve("secret"), "not noVNC");
        Files.createSymbolicLink(root.resolve("link.js"), dir.resolve("secret"));
        NoVncFiles files = new NoVncFiles(dir.resolve("novnc"));
        assertThat(files.resolve("core/rfb.js")).hasContent("export default class RFB {}");
        assertThatThrownBy(() -> files.resolve("../secret")).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> files.resolve("core/../../secret")).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> files.resolve("core/link.js")).as("a symlink out of it").isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> files.resolve("core")).as("a directory").isInstanceOf(Refusal.class);
    }

    @Test
    void withoutNoVncInstalledTheAnswerSaysHowToGetIt() {
        assertThatThrownBy(() -> new NoVncFiles(dir.resolve("none")).resolve("vnc.html"))
                .isInstanceOf(Refusal.class).hasMessageContaining("novnc package or set vnc.novnc_dir");
    }
}
