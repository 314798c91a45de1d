package org.passkvm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.appliance.BrowserSession;
import org.passkvm.appliance.TestAppliance;

/**
 * Debian's Chromium plays the demo target's sound through the console: off until the user clicks Sound, then Opus
 * over the audio WebSocket, decoded by WebCodecs; a key typed into the target comes back as its 880 Hz beep.
 */
class AudioBrowserTest {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(TestAppliance::start);

    private static final Page.WaitForFunctionOptions TWENTY_SECONDS = new Page.WaitForFunctionOptions().setTimeout(20_000);

    @SuppressWarnings("unchecked")
    static Map<String, Object> stats(Page page) {
        return (Map<String, Object>) page.evaluate("() => PassKVMAudio.stats()");
    }

    @Test
    void aKeyTypedIntoTheDemoTargetIsHeardAsItsBeep() {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        assertThat(page.textContent("#st-audio")).isEqualTo("off");
        assertThat(stats(page).get("packets")).isEqualTo(0); // nothing streams before the user asks
        assertThat(health("state")).isEqualTo("idle");

        page.click("#btn-audio");
        page.waitForFunction("() => document.getElementById('st-audio').textContent === 'playing'", null, TWENTY_SECONDS);
        page.waitForFunction("() => PassKVMAudio.stats().decoded >= 25", null, TWENTY_SECONDS);
        assertThat(health("state")).isEqualTo("streaming");
        assertThat(Tone.rms(recent(page, 24_000))).as("the target is silent between key presses").isLessThan(0.01);

        int before = ((Number) stats(page).get("decoded")).intValue();
        assertThat(browser.app().admin().post("/api/hid/key", "{\"code\":\"KeyA\"}").statusCode()).isEqualTo(200);
        page.waitForFunction("n => PassKVMAudio.stats().decoded >= n + 25", before, TWENTY_SECONDS);
        List<Number> heard = heardTone(page, DemoTones.TONE_HZ, java.time.Duration.ofSeconds(20));
        assertThat(Tone.dominantHz(heard, 48_000)).isCloseTo(DemoTones.TONE_HZ, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(stats(page).get("errors")).asList().isEmpty();
        @SuppressWarnings("unchecked")
        List<Number> latencies = (List<Number>) stats(page).get("latencies");
        System.out.printf("AUDIO demo: capture → decoded latency p50 %.1f ms, p99 %.1f ms over %d packets%n",
                Tone.percentile(latencies, 50), Tone.percentile(latencies, 99), latencies.size());

        page.click("#btn-audio");
        assertThat(page.textContent("#btn-audio")).isEqualTo("Sound: muted");
        page.close();
    }

    @Test
    void aBrowserWithoutAudioDecoderKeepsItsVideoAndSaysWhy() {
        try (BrowserContext context = browser.chromium().newContext()) {
            context.addInitScript("delete window.AudioDecoder;");
            Page page = context.newPage();
            page.navigate("https://127.0.0.1:" + browser.app().port() + "/login");
            page.fill("#user", "admin");
            page.fill("#password", TestAppliance.PASSWORD);
            page.click("#login-button");
            page.waitForSelector("#screen");
            page.click("#btn-audio");
            page.waitForFunction("() => document.getElementById('st-audio').textContent.startsWith('video only')", null, TWENTY_SECONDS);
            page.waitForFunction("() => PassKVMVideo.stats().framesDecoded > 0", null, TWENTY_SECONDS);
        }
    }

    @SuppressWarnings("unchecked")
    /**
     * The last half second the console played, once it holds a tone of about {@code hz}: read again and again for up to
     * {@code within}, because on a loaded machine the sound arrives with jitter and a window may hold a gap.
     */
    static List<Number> heardTone(Page page, double hz, java.time.Duration within) {
        return org.passkvm.testkit.Await.value(within, () -> recent(page, 24_000),
                w -> Tone.rms(w) > 0.02 && Math.abs(Tone.dominantHz(w, 48_000) - hz) <= hz * 0.02,
                "a tone of " + hz + " Hz in what the console played");
    }

    static List<Number> recent(Page page, int n) {
        return (List<Number>) page.evaluate("n => PassKVMAudio.recent(n)", n);
    }

    private static Object health(String key) {
        try {
            var body = org.passkvm.web.Json.MAPPER.readTree(browser.app().admin().get("/api/health").body());
            return body.path("capabilities").path("audio").path(key).asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aViewerHearsTheTargetUntilTheirAccessEnds() {
        assertThat(browser.app().admin().post("/api/users",
                "{\"name\":\"listener\",\"role\":\"viewer\",\"password\":\"listener password\"}").statusCode()).isEqualTo(201);
        BrowserContext context = browser.chromium().newContext();
        Page page = AudioKernelTest.audioPage(context, browser.app().port(), "listener", "listener password");
        page.evaluate("() => PassKVMAudio.start()");
        page.waitForFunction("() => PassKVMAudio.stats().decoded >= 5", null, TWENTY_SECONDS);
        // Deleting the user revokes the login: the audio socket (the page's only one) closes with 4001, and the
        // player goes to the login page instead of connecting again.
        page.waitForRequest(r -> r.isNavigationRequest() && r.url().endsWith("/login"),
                new Page.WaitForRequestOptions().setTimeout(20_000),
                () -> assertThat(browser.app().admin().method("DELETE", "/api/users/listener", null).statusCode()).isBetween(200, 299));
        context.close();
    }
}
