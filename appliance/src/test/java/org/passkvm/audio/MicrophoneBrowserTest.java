package org.passkvm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;

/**
 * The console's Microphone button in Debian's Chromium with a fake 440 Hz microphone, against an appliance whose
 * microphone card is missing (the real card is the UAC2 gadget's, {@link AudioKernelTest} plays into a real one):
 * an operator's click encodes and sends Opus, the state says the card is missing; a viewer may not; revoking the
 * operator closes the socket.
 */
class MicrophoneBrowserTest {

    private static final Page.WaitForFunctionOptions TWENTY_SECONDS = new Page.WaitForFunctionOptions().setTimeout(20_000);

    private static Path dir;
    private static Chromium chromium;
    private static TestAppliance app;

    @BeforeAll
    static void start() throws Exception {
        org.passkvm.testkit.Tools.require("chromium");
        dir = Files.createTempDirectory("mic-browser");
        Path wav = dir.resolve("a440.wav");
        AudioKernelTest.writeTone(wav, 440, 48_000, 2);
        chromium = Chromium.launch(List.of("--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + wav,
                "--use-fake-ui-for-media-stream"));
        app = TestAppliance.start(Files.createDirectory(dir.resolve("data")),
                "audio:\n  microphone: true\n  microphone_device: \"hw:NoSuchCard,0\"\n");
        for (String[] u : new String[][] {{"speaker", "operator"}, {"listener", "viewer"}}) {
            assertThat(app.admin().post("/api/users", "{\"name\":\"" + u[0] + "\",\"role\":\"" + u[1]
                    + "\",\"password\":\"" + u[0] + " password\"}").statusCode()).isEqualTo(201);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> microphone(Page page) {
        return (Map<String, Object>) page.evaluate("async () => (await (await fetch('/api/audio')).json()).microphone");
    }

    @Test
    void anOperatorsClickSendsTheMicrophoneAndTheMissingCardIsSaid() {
        try (BrowserContext context = chromium.newContext()) {
            Page page = chromium.login(context.newPage(), app.port(), "speaker", "speaker password");
            assertThat(page.textContent("#btn-mic")).isEqualTo("Mic: off");
            assertThat(microphone(page).get("state")).isEqualTo("no_uac2_card");
            page.click("#btn-mic");
            page.waitForFunction("() => document.getElementById('btn-mic').textContent === 'Mic: no card'", null, TWENTY_SECONDS);
            page.waitForFunction("() => PassKVMMicrophone.stats().sent >= 25", null, TWENTY_SECONDS);
            Map<String, Object> mic = microphone(page);
            System.out.println("MIC browser: console " + page.evaluate("() => PassKVMMicrophone.stats()") + ", server " + mic);
            assertThat(((Number) mic.get("packets")).intValue()).isGreaterThan(0);
            assertThat(mic.get("reason").toString()).contains("hw:NoSuchCard,0");
            assertThat(page.getAttribute("#btn-mic", "title")).contains("hw:NoSuchCard,0");
            page.click("#btn-mic");
            assertThat(page.textContent("#btn-mic")).isEqualTo("Mic: off");
        }
    }

    @Test
    void aViewerMayNotSpeakIntoTheTarget() {
        try (BrowserContext context = chromium.newContext()) {
            Page page = chromium.login(context.newPage(), app.port(), "listener", "listener password");
            page.waitForFunction("() => document.getElementById('btn-mic').textContent === 'Mic: not allowed'", null, TWENTY_SECONDS);
            assertThat(page.isDisabled("#btn-mic")).isTrue();
            Object code = page.evaluate("() => new Promise(done => { const ws = new WebSocket(`wss://${location.host}/api/audio/mic`);"
                    + " ws.onopen = () => done('opened'); ws.onclose = (e) => done(e.code); })");
            assertThat(code).isEqualTo(1006); // the upgrade is refused (403)
        }
    }

    @Test
    void revokingTheOperatorClosesTheirMicrophone() throws Exception {
        assertThat(app.admin().post("/api/users", "{\"name\":\"leaving\",\"role\":\"operator\",\"password\":\"leaving password\"}")
                .statusCode()).isEqualTo(201);
        try (BrowserContext context = chromium.newContext()) {
            Page page = chromium.login(context.newPage(), app.port(), "leaving", "leaving password");
            page.click("#btn-mic");
            page.waitForFunction("() => PassKVMMicrophone.stats().sent >= 10", null, TWENTY_SECONDS);
            page.waitForRequest(r -> r.isNavigationRequest() && r.url().endsWith("/login"),
                    new Page.WaitForRequestOptions().setTimeout(20_000),
                    () -> assertThat(app.admin().method("DELETE", "/api/users/leaving", null).statusCode()).isBetween(200, 299));
        }
        Await.until(java.time.Duration.ofSeconds(10), () -> !"streaming".equals(
                app.admin().json("GET", "/api/audio", null).path("microphone").path("state").asText()), "the microphone is free again");
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (app != null) {
            app.close();
        }
    }
}
