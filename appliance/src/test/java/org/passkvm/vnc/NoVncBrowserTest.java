package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.appliance.BrowserSession;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;

/**
 * The real noVNC in Chromium, through PassKVM's own WebSocket for VNC: the web login is its authentication, the
 * logged-in user's role decides what it may do, and the picture and the keys are the demo target's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NoVncBrowserTest {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(dir -> TestAppliance.start(dir,
            "vnc:\n  port: " + freePort() + "\n  novnc_dir: " + NoVnc.install() + "\n"
            // One slice a picture, which noVNC's H.264 decoder needs (libx264's sliced threads make several).
            + "video:\n  h264:\n    threads: 1\n"));

    @Test
    @Order(1)
    void anOperatorTypesIntoTheTargetThroughNoVncAndSeesItsScreen() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        NoVnc.open(page, browser.app().port());
        Await.until(Duration.ofSeconds(15), () -> NoVnc.meanDifference(browser.app(), NoVnc.picture(page)) < 6.0,
                "noVNC's canvas showing the target's screen");
        page.evaluate("() => rfb.focus()");
        page.keyboard().type("echo hello novnc");
        page.keyboard().press("Enter");
        Await.until(Duration.ofSeconds(15), () -> lines().stream().anyMatch(l -> l.endsWith("echo hello novnc")),
                "the line typed in noVNC on the target: " + lines());
        // The typed line is on the target's screen, and noVNC shows that screen too.
        Await.until(Duration.ofSeconds(15), () -> NoVnc.meanDifference(browser.app(), NoVnc.picture(page)) < 6.0,
                "noVNC's canvas showing the screen with the typed line");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/novnc.png")));
    }

    @Test
    @Order(1)
    void anH264CapableNoVncIsSentOpenH264() throws Exception {
        long before = H264Updates.RECTANGLES.get();
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        NoVnc.open(page, browser.app().port());
        assertThat(page.evaluate("() => novncH264")).as("this Chromium decodes H.264 through WebCodecs").isEqualTo(true);
        page.waitForFunction("() => (novncRects[50] || 0) >= 10");
        assertThat(H264Updates.RECTANGLES.get() - before).as("Open H.264 rectangles the server sent").isGreaterThanOrEqualTo(10);
        assertThat(page.evaluate("() => Object.keys(novncRects).filter(e => e !== '50')"))
                .as("other encodings noVNC decoded").isEqualTo(List.of());
        Await.until(Duration.ofSeconds(15), () -> NoVnc.meanDifference(browser.app(), NoVnc.picture(page)) < 6.0,
                "noVNC's canvas, drawn from H.264, showing the target's screen");
    }

    @Test
    @Order(2)
    void aViewerSeesTheScreenThroughNoVncButTypesNothing() throws Exception {
        assertThat(browser.app().admin().post("/api/users",
                "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"vera's long password\"}").statusCode()).isEqualTo(201);
        Page page = browser.chromium().login(browser.app().port(), "vera", "vera's long password");
        NoVnc.open(page, browser.app().port());
        Await.until(Duration.ofSeconds(15), () -> NoVnc.meanDifference(browser.app(), NoVnc.picture(page)) < 6.0,
                "noVNC's canvas showing the target's screen to a viewer");
        List<String> before = lines();
        page.evaluate("() => rfb.focus()");
        page.keyboard().type("nope");
        page.keyboard().press("Enter");
        assertThat(Await.holds(Duration.ofSeconds(2), () -> !lines().equals(before)))
                .as("anything a viewer typed in noVNC reaching the target").isFalse();
    }

    @Test
    @Order(3)
    void deletingTheUserClosesTheirNoVncConnectionAtOnce() throws Exception {
        assertThat(browser.app().admin().post("/api/users",
                "{\"name\":\"otto\",\"role\":\"operator\",\"password\":\"otto's long password\"}").statusCode()).isEqualTo(201);
        Page page = browser.chromium().login(browser.app().port(), "otto", "otto's long password");
        NoVnc.open(page, browser.app().port());
        assertThat(browser.app().admin().method("DELETE", "/api/users/otto", null).statusCode()).isEqualTo(200);
        page.waitForFunction("() => novncEvents.includes('disconnect')", null,
                new Page.WaitForFunctionOptions().setTimeout(5_000));
    }

    @Test
    @Order(3)
    void loggingOutClosesTheNoVncConnection() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        NoVnc.open(page, browser.app().port());
        page.evaluate("async () => { const me = await (await fetch('/api/auth/me')).json();"
                + " await fetch('/api/auth/logout', {method: 'POST', headers: {'X-CSRF-Token': me.csrfToken}}); }");
        page.waitForFunction("() => novncEvents.includes('disconnect')", null,
                new Page.WaitForFunctionOptions().setTimeout(5_000));
    }

    private static List<String> lines() {
        return browser.app().target().state().lines();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
