package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.appliance.BrowserSession;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Tools;

/** The account panel makes a user's VNC password, shows it once, and that password logs a real viewer in. */
class VncAccountPanelTest {

    private static final int DISPLAY = freeDisplay();

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(dir -> TestAppliance.start(dir, "vnc:\n  port: " + (5900 + DISPLAY) + "\n"));

    @Test
    void aNewVncPasswordIsShownOnceAndLetsAViewerIn() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.click("#btn-panels");
        page.waitForSelector("#panel-account [data-capability=vnc]");
        page.waitForFunction("() => document.querySelector('#panel-account [data-capability=vnc]').textContent.includes('VNC is off for admin')");
        page.click("#panel-account button:text('New VNC password')");
        page.waitForFunction("() => document.querySelector('#panel-account [data-capability=vnc] code').textContent.includes('shown once')");
        String shown = (String) page.evaluate("() => document.querySelector('#panel-account [data-capability=vnc] code').textContent");
        String password = shown.replaceAll(".*: ", "");
        assertThat(password).hasSize(VncAuth.MAX_PASSWORD);
        assertThat((String) page.evaluate("() => document.querySelector('#panel-account [data-capability=vnc]').textContent"))
                .contains("VNC is on for admin (port " + (5900 + DISPLAY) + ")");

        Tools.require("vncsnapshot", "vncpasswd");
        Path out = browser.app().dataDir().resolveSibling("panel.jpg");
        Viewers.Result r = Viewers.run(Duration.ofSeconds(30), "vncsnapshot", "-passwd",
                Viewers.passwordFile(browser.app().dataDir().getParent(), password).toString(), "127.0.0.1:" + DISPLAY, out.toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(browser.chromium().consoleErrors()).isEmpty();
    }

    private static int freeDisplay() {
        for (int n = 20; n < 36; n++) {
            try (ServerSocket probe = new ServerSocket(5900 + n, 1, java.net.InetAddress.getLoopbackAddress())) {
                return n;
            } catch (IOException busy) {
                // taken; try the next
            }
        }
        throw new IllegalStateException("no free VNC display between 20 and 35");
    }
}
