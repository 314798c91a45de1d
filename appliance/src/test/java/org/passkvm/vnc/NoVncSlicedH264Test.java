package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.appliance.BrowserSession;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;

/**
 * With libx264 on several threads (its default on a multi-core device) a picture comes in several slices, which noVNC
 * cannot decode: noVNC asks for H.264 first and still gets a picture, in Tight JPEG.
 */
class NoVncSlicedH264Test {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(dir -> TestAppliance.start(dir,
            "vnc:\n  port: " + freePort() + "\n  novnc_dir: " + NoVnc.install() + "\n"
            + "video:\n  h264:\n    encoder: libx264\n    threads: 2\n"));

    @Test
    void noVncFallsBackToTightWhenTheH264StreamIsSliced() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        NoVnc.open(page, browser.app().port());
        Await.until(Duration.ofSeconds(15), () -> NoVnc.meanDifference(browser.app(), NoVnc.picture(page)) < 6.0,
                "noVNC's canvas showing the target's screen");
        assertThat(page.evaluate("() => novncRects[7] || 0")).as("Tight rectangles noVNC decoded").isNotEqualTo(0);
        assertThat(page.evaluate("() => novncRects[50] || 0")).as("H.264 rectangles noVNC decoded").isEqualTo(0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
