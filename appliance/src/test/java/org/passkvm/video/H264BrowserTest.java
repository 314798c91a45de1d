package org.passkvm.video;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.appliance.BrowserSession;
import org.passkvm.appliance.TestAppliance;

/**
 * Debian's Chromium plays the demo target's screen through video.js: H.264 over the WebSocket
 * decoded by WebCodecs into a canvas, and MJPEG in an img where WebCodecs is missing.
 */
class H264BrowserTest {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(TestAppliance::start);

    /** A logged-in page on the appliance's origin with video.js loaded into an empty box. */
    static Page playerPage(BrowserContext context) {
        return playerPage(context, "admin", TestAppliance.PASSWORD);
    }

    static Page playerPage(BrowserContext context, String user, String password) {
        Page page = context.newPage();
        page.navigate("https://127.0.0.1:" + browser.app().port() + "/login");
        Object status = page.evaluate("async ([u, pw]) => (await fetch('/api/auth/login', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({user: u, password: pw})})).status",
                List.of(user, password));
        assertThat(status).isEqualTo(200);
        page.evaluate("() => new Promise((ok, fail) => { document.body.innerHTML = '<div id=box></div>';"
                + " const s = document.createElement('script'); s.src = '/assets/video.js'; s.onload = ok;"
                + " s.onerror = () => fail('video.js did not load'); document.head.appendChild(s); })");
        page.evaluate("() => PassKVMVideo.start(document.getElementById('box'), () => {})");
        return page;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stats(Page page) {
        return (Map<String, Object>) page.evaluate("() => PassKVMVideo.stats()");
    }

    @Test
    void chromiumDecodesTheH264StreamIntoTheCanvas() {
        try (BrowserContext context = browser.chromium().newContext()) {
            Page page = playerPage(context);
            page.waitForFunction("() => PassKVMVideo.stats().framesDecoded >= 30", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            Map<String, Object> s = stats(page);
            assertThat(s.get("mode")).isEqualTo("h264");
            assertThat(s.get("errors")).asList().isEmpty();
            assertThat(page.evaluate("() => PassKVMVideo.element().tagName")).isEqualTo("CANVAS");
            assertThat(page.evaluate("() => [PassKVMVideo.element().width, PassKVMVideo.element().height].join('x')"))
                    .isEqualTo("1280x720");
            // The demo screen's title bar is #1E3A5A: the decoded picture is the target's, in the right colours.
            @SuppressWarnings("unchecked")
            List<Number> rgb = (List<Number>) page.evaluate("() => Array.from(PassKVMVideo.element().getContext('2d')"
                    + ".getImageData(1200, 5, 1, 1).data.slice(0, 3))");
            assertThat(rgb.get(0).intValue()).isBetween(0x1E - 12, 0x1E + 12);
            assertThat(rgb.get(1).intValue()).isBetween(0x3A - 12, 0x3A + 12);
            assertThat(rgb.get(2).intValue()).isBetween(0x5A - 12, 0x5A + 12);
        }
    }

    @Test
    void aLoginEndedElsewhereTakesThePlayerToTheLoginPage() {
        assertThat(browser.app().admin().post("/api/users",
                "{\"name\":\"watcher\",\"role\":\"viewer\",\"password\":\"watcher password\"}").statusCode()).isEqualTo(201);
        try (BrowserContext context = browser.chromium().newContext()) {
            Page page = playerPage(context, "watcher", "watcher password");
            page.waitForFunction("() => PassKVMVideo.stats().framesDecoded > 0", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            // Deleting the user revokes the login: the H.264 socket closes with 4001, and the player, instead of
            // connecting again, loads the login page (the page is on /login already, so watch for the navigation).
            Request login = page.waitForRequest(r -> r.isNavigationRequest() && r.url().endsWith("/login"),
                    new Page.WaitForRequestOptions().setTimeout(10_000),
                    () -> assertThat(browser.app().admin().method("DELETE", "/api/users/watcher", null).statusCode()).isBetween(200, 299));
            assertThat(login.frame()).isEqualTo(page.mainFrame());
        }
    }

    @Test
    void withoutWebCodecsThePlayerFallsBackToMjpeg() {
        try (BrowserContext context = browser.chromium().newContext()) {
            context.addInitScript("delete window.VideoDecoder;");
            Page page = playerPage(context);
            page.waitForFunction("() => PassKVMVideo.stats().state === 'playing'", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            assertThat(stats(page).get("mode")).isEqualTo("mjpeg");
            assertThat(page.evaluate("() => PassKVMVideo.element().tagName")).isEqualTo("IMG");
            assertThat(page.evaluate("() => PassKVMVideo.element().naturalWidth")).isEqualTo(1280);
        }
    }
}
