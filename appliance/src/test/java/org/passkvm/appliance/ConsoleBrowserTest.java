package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Await;
import org.passkvm.web.Json;

/** The console in a real Chromium against the appliance on its embedded default. */
class ConsoleBrowserTest {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(TestAppliance::start);

    @TempDir
    static Path dir;

    private JsonNode target() throws Exception {
        return Json.MAPPER.readTree(browser.app().admin().get("/api/demo/target").body());
    }

    private static String lastLine(JsonNode target) {
        JsonNode lines = target.get("lines");
        return lines.get(lines.size() - 1).asText();
    }

    /** A fingerprint of the picture the page shows right now, read back through a canvas. */
    static String pictureFingerprint(Page page) {
        return (String) page.evaluate("() => {"
                + " const v = PassKVMVideo.element();"
                + " const w = v.naturalWidth || v.videoWidth || v.width, h = v.naturalHeight || v.videoHeight || v.height;"
                + " if (!w || !h) return '';"
                + " const c = document.createElement('canvas'); c.width = 320; c.height = 180;"
                + " const g = c.getContext('2d'); g.drawImage(v, 0, 0, 320, 180);"
                + " const d = g.getImageData(0, 0, 320, 180).data; let x = 0;"
                + " for (let i = 0; i < d.length; i += 4) x = (x * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13) | 0;"
                + " return String(x); }");
    }

    @Test
    void theLiveStreamShowsFramesThatChange() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.waitForFunction("() => PassKVMVideo.stats().framesDecoded > 0 || (PassKVMVideo.element() && PassKVMVideo.element().naturalWidth > 0)");
        java.util.Set<String> seen = new java.util.HashSet<>();
        Await.every(Duration.ofMillis(300)).untilHolds(Duration.ofSeconds(10), () -> {
            String f = pictureFingerprint(page);
            if (!f.isEmpty()) {
                seen.add(f);
            }
            return seen.size() >= 2;
        }, "two distinct pictures in the console");
        assertThat(seen).as("distinct pictures seen in the console").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aTypedLineReachesTheSimulatedTarget() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.waitForFunction("() => document.getElementById('st-hid').textContent.includes('online')");
        page.focus("#screen");
        typeLikeAPerson(page, "echo Hello, PassKVM!");
        Await.value(Duration.ofSeconds(5), () -> lastLine(target()), l -> l.endsWith("echo Hello, PassKVM!"), "the typed line on the target");
        assertThat(lastLine(target())).isEqualTo("demo$ echo Hello, PassKVM!");
        page.keyboard().press("Enter");
        Await.value(Duration.ofSeconds(5), () -> lastLine(target()), "demo$ "::equals, "a new prompt after Enter");
        assertThat(target().get("lines").toString()).contains("demo$ echo Hello, PassKVM!");
        page.click("#btn-panels");
        page.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Path.of("target/console.png")));
        assertThat(browser.chromium().consoleErrors(page)).isEmpty();
    }

    /**
     * Types as fingers do on a US keyboard: Shift held for capitals and symbols. (Playwright's
     * type() sends "H" without a Shift key event, which no physical keyboard does.)
     */
    static void typeLikeAPerson(Page page, String text) {
        String shifted = "~!@#$%^&*()_+{}|:\"<>?";
        String plain = "`1234567890-=[]\\;',./";
        for (char c : text.toCharArray()) {
            if (Character.isUpperCase(c)) {
                page.keyboard().press("Shift+Key" + c);
            } else if (Character.isLowerCase(c)) {
                page.keyboard().press("Key" + Character.toUpperCase(c));
            } else if (c == ' ') {
                page.keyboard().press("Space");
            } else if (shifted.indexOf(c) >= 0) {
                page.keyboard().press("Shift+" + codeOf(plain.charAt(shifted.indexOf(c))));
            } else {
                page.keyboard().press(codeOf(c));
            }
        }
    }

    private static String codeOf(char c) {
        if (Character.isDigit(c)) {
            return "Digit" + c;
        }
        return switch (c) {
            case '`' -> "Backquote";
            case '-' -> "Minus";
            case '=' -> "Equal";
            case '[' -> "BracketLeft";
            case ']' -> "BracketRight";
            case '\\' -> "Backslash";
            case ';' -> "Semicolon";
            case '\'' -> "Quote";
            case ',' -> "Comma";
            case '.' -> "Period";
            case '/' -> "Slash";
            default -> throw new IllegalArgumentException("no US key for " + c);
        };
    }

    @Test
    void aClickOnAPointOfThePictureLandsOnThatPixelOfTheTarget() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.waitForFunction("() => document.getElementById('st-hid').textContent.includes('online')");
        page.waitForFunction("() => { const e = PassKVMVideo.element(); return e && PassKVMVideo.stats().width === 1280 && e.getBoundingClientRect().width > 400; }");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> box = (java.util.Map<String, Object>) page.evaluate(
                "() => { const r = PassKVMVideo.element().getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; }");
        double x = ((Number) box.get("x")).doubleValue(), y = ((Number) box.get("y")).doubleValue();
        double w = ((Number) box.get("w")).doubleValue(), h = ((Number) box.get("h")).doubleValue();
        int targetX = 400, targetY = 300;
        page.mouse().click(x + (targetX + 0.5) * w / 1280, y + (targetY + 0.5) * h / 720);
        JsonNode clicks = Await.value(Duration.ofSeconds(5), () -> target().get("clicks"), c -> !c.isEmpty(), "a click on the target");
        JsonNode click = clicks.get(clicks.size() - 1);
        // One picture pixel in the browser is 1280/w target pixels: allow that much rounding.
        double tolerance = Math.max(1, 1280 / w);
        assertThat(click.get("x").asDouble()).isCloseTo(targetX, org.assertj.core.data.Offset.offset(tolerance));
        assertThat(click.get("y").asDouble()).isCloseTo(targetY, org.assertj.core.data.Offset.offset(tolerance));
        assertThat(click.get("buttons").asInt()).isEqualTo(1);
    }

    @Test
    void fitScalesASmallPictureUpToFillABigWindowAndOneToOneShowsSourcePixels() {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.setViewportSize(2400, 1500); // the 1280x720 demo picture is small in it
        page.waitForFunction("() => PassKVMVideo.stats().width === 1280 && PassKVMVideo.element().getBoundingClientRect().width > 1280");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Number> fit = (java.util.Map<String, Number>) page.evaluate("() => {"
                + " const r = PassKVMVideo.element().getBoundingClientRect(), a = document.querySelector('.console');"
                + " return {w: r.width, h: r.height, aw: a.clientWidth, ah: a.clientHeight}; }");
        double w = fit.get("w").doubleValue(), h = fit.get("h").doubleValue();
        // Filled one way, the picture's shape kept within a pixel of rounding.
        assertThat(Math.max(w / fit.get("aw").doubleValue(), h / fit.get("ah").doubleValue())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.002));
        assertThat(w).isLessThanOrEqualTo(fit.get("aw").doubleValue());
        assertThat(h).isLessThanOrEqualTo(fit.get("ah").doubleValue());
        assertThat(h).isCloseTo(w * 720 / 1280, org.assertj.core.data.Offset.offset(1.0));
        page.click("#btn-scale");
        assertThat(page.textContent("#btn-scale")).isEqualTo("1:1");
        assertThat(page.evaluate("() => { const r = PassKVMVideo.element().getBoundingClientRect(); return r.width + 'x' + r.height; }"))
                .isEqualTo("1280x720");
        page.setViewportSize(800, 600); // Fit again in a small window: smaller than the source, still its shape
        page.click("#btn-scale");
        page.waitForFunction("() => PassKVMVideo.element().getBoundingClientRect().width <= 800 && PassKVMVideo.element().getBoundingClientRect().width > 0 && PassKVMVideo.element().style.width !== ''");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Number> small = (java.util.Map<String, Number>) page.evaluate(
                "() => { const r = PassKVMVideo.element().getBoundingClientRect(); return {w: r.width, h: r.height}; }");
        assertThat(small.get("h").doubleValue()).isCloseTo(small.get("w").doubleValue() * 720 / 1280, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void badInputFramesGetClearErrorsAndTheConsoleStaysUsable() throws Exception {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.waitForFunction("() => document.getElementById('st-hid').textContent.includes('online')");
        @SuppressWarnings("unchecked")
        java.util.List<String> replies = (java.util.List<String>) page.evaluate("async () => {"
                + " const ws = new WebSocket(`wss://${location.host}/api/hid/ws`); ws.binaryType = 'arraybuffer';"
                + " const got = []; ws.onmessage = (m) => { if (typeof m.data === 'string') got.push(m.data); };"
                + " await new Promise((r) => ws.onopen = r);"
                + " ws.send(new Uint8Array([0x42]));"              // unknown frame type
                + " ws.send(new Uint8Array([0x02, 0x01]));"        // truncated move
                + " ws.send(new Uint8Array(1000));"                // oversized
                + " ws.send('{\"type\": 12');"                   // broken JSON
                + " ws.send(JSON.stringify({type: 'mouseMode', mode: 'sideways'}));"
                + " ws.send(JSON.stringify({type: 'ping', t: 1}));"
                + " await new Promise((r) => setTimeout(r, 1500));"
                + " const open = ws.readyState === WebSocket.OPEN; ws.close();"
                + " return got.concat(['open=' + open]); }");
        String all = String.join("\n", replies);
        assertThat(all).contains("unknown input frame type").contains("too short").contains("too long")
                .contains("invalid JSON").contains("mode must be absolute or relative").contains("pong").contains("open=true");
        assertThat(browser.app().admin().post("/api/hid/key", "{\"code\":\"KeyZ\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void guessingPasswordsOnTheLoginPageIsLockedOut() throws Exception {
        Path fresh = Files.createTempDirectory(dir, "guess");
        try (TestAppliance other = TestAppliance.start(fresh)) {
            Page page = browser.chromium().newPage();
            page.navigate("https://127.0.0.1:" + other.port() + "/login");
            for (int i = 0; i < 5; i++) {
                page.fill("#password", "guess " + i);
                page.click("#login-button");
                page.waitForFunction("() => document.getElementById('message').textContent.length > 0");
                page.evaluate("() => document.getElementById('message').textContent = ''");
            }
            page.fill("#password", TestAppliance.PASSWORD);
            page.click("#login-button");
            page.waitForFunction("() => document.getElementById('message').textContent.includes('too many failed logins')");
            assertThat(page.url()).endsWith("/login");
        }
    }

    @Test
    void loggingOutReturnsToTheLoginPageAndLocksTheApi() {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.click("#logout");
        page.waitForURL("**/login");
        Object status = page.evaluate("async () => (await fetch('/api/hid', {headers: {'X-Requested-With': 'x'}})).status");
        assertThat(((Number) status).intValue()).isEqualTo(401);
    }

    @Test
    void firstStartMakesThePersonChooseTheirOwnPassword() throws Exception {
        Path fresh = Files.createTempDirectory(dir, "fresh");
        try (TestAppliance appliance = TestAppliance.startUnclaimed(fresh, "")) {
            String generated = Files.readString(appliance.initialPasswordFile()).trim();
            Page page = browser.chromium().newPage();
            page.navigate("https://127.0.0.1:" + appliance.port() + "/");
            page.waitForURL("**/login");
            page.fill("#password", generated);
            page.click("#login-button");
            page.waitForSelector("#change-form:not([hidden])");
            page.fill("#new-password", "chosen by me");
            page.fill("#new-password2", "chosen by me");
            page.click("#change-button");
            page.waitForURL("https://127.0.0.1:" + appliance.port() + "/");
            page.waitForSelector("#user-name:has-text('admin')");
            assertThat(appliance.initialPasswordFile()).doesNotExist();
        }
    }
}
