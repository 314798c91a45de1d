package org.passkvm.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;

/** The media panel in Debian's Chromium: upload through the file picker, then present and eject the image. */
class MediaConsoleBrowserTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path files;

    @Test
    void uploadFromTheConsoleListsTheImageWithItsSha256AndMountsIt() throws Exception {
        try (TestAppliance app = TestAppliance.start(dataDir, ""); Chromium chromium = Chromium.launch()) {
            Page page = chromium.login(app.port(), "admin", TestAppliance.PASSWORD);
            page.click("#btn-panels"); // the drawer where console.js mounted the media panel
            page.waitForSelector("#panel-media table");

            byte[] iso = MediaApiTest.random(4 * 1024 * 1024, 11);
            Path file = Files.write(files.resolve("netinst.iso"), iso);
            page.setInputFiles("#panel-media input[type=file]", file);
            page.click("#panel-media button:text-is('Upload')");
            page.waitForSelector("#panel-media :text('netinst.iso stored')");
            assertThat(MediaClient.of(app).image("netinst.iso").get("sha256").asText()).isEqualTo(MediaApiTest.sha256(iso));

            page.waitForSelector("#panel-media tr:has-text('netinst.iso') button:text-is('CD-ROM')");
            page.click("#panel-media tr:has-text('netinst.iso') button:text-is('CD-ROM')");
            page.waitForSelector("#panel-media :text('netinst.iso as CD-ROM')");
            assertThat(page.textContent("#panel-media")).contains("simulated drive");
            page.click("#panel-media tr:has-text('netinst.iso') button:text-is('Eject')");
            page.waitForSelector("#panel-media :text('drive empty')");
            assertThat(chromium.consoleErrors()).isEmpty();
        }
    }
}
