package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.web.TestHttps;

/**
 * Every capability turned off at once: each still answers its whole API with one clear 503 naming what is off and
 * the setting that did it, health says "off", and the console hides what would only fail.
 */
class DisabledPartsTest {

    static final String ALL_OFF = """
            hid:
              output: off
            video:
              source: off
            atx:
              backend: off
            vm:
              uri: off
            media:
              output: none
            vnc:
              port: 0
            """;

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(dir -> TestAppliance.start(dir, ALL_OFF));

    @Test
    void everyRouteOfATurnedOffCapabilityAnswers503WithWhy() {
        TestHttps admin = browser.app().admin();
        for (String[] probe : List.of(
                new String[] {"GET", "/api/hid", "hid.output: off"},
                new String[] {"POST", "/api/hid/key", "hid.output: off"},
                new String[] {"POST", "/api/hid/paste", "hid.output: off"},
                new String[] {"GET", "/api/video/snapshot.jpg", "video.source: off"},
                new String[] {"GET", "/api/video/stream.mjpeg", "video.source: off"},
                new String[] {"GET", "/api/power", "atx.backend: off"},
                new String[] {"POST", "/api/power/on", "atx.backend: off"},
                new String[] {"GET", "/api/vms", "vm.uri: off"},
                new String[] {"POST", "/api/vnc/credentials", "vnc.port: 0"})) {
            var r = admin.method(probe[0], probe[1], probe[0].equals("GET") ? null : "{}");
            assertThat(r.statusCode()).as(probe[0] + " " + probe[1]).isEqualTo(503);
            assertThat(r.body()).as(probe[1]).contains(probe[2]);
        }
        assertThat(TestHttps.anonymous(browser.app().port()).get("/api/hid").statusCode())
                .as("a turned-off capability still needs a login").isEqualTo(401);
        JsonNode health = TestHttps.json(admin.get("/api/health")).get("capabilities");
        for (String name : List.of("hid", "video", "atx", "vm", "vnc")) {
            assertThat(health.get(name).get("state").asText()).as(name).isEqualTo("off");
        }
        assertThat(health.get("media").get("state").asText()).isEqualTo("unavailable");
    }

    @Test
    void theConsoleHidesWhatIsOff() {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.waitForFunction("() => document.body.classList.contains('off-hid')");
        for (String selector : List.of("#btn-paste", "#btn-keys", "#btn-screenshot", "#panel-atx", "#panel-vms")) {
            assertThat((Boolean) page.evaluate("s => document.querySelector(s).hidden", selector)).as(selector).isTrue();
        }
        assertThat((Boolean) page.evaluate("() => document.querySelector('#btn-fullscreen').hidden")).isFalse();
        page.waitForSelector("#panel-account [data-capability=vnc]", new Page.WaitForSelectorOptions()
                .setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));
        assertThat((Boolean) page.evaluate("() => getComputedStyle(document.querySelector('#panel-account [data-capability=vnc]'))"
                + ".display === 'none'")).as("the account panel's VNC section with VNC off").isTrue();
    }
}
