package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.testkit.Await;
import org.passkvm.web.Json;

/**
 * The console on a phone (390×844, touch), a tablet (820×1180, touch) and a desktop (1440×900): nothing wider than
 * the page, the controls reachable, touch gestures that land where the finger is, a keyboard alone enough to reach
 * everything, and no serious or critical axe-core finding on any page. Screenshots go to target/screenshots/.
 */
class MobileConsoleBrowserTest {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(TestAppliance::start);

    record Viewport(String name, int width, int height, boolean touch) {
        String size() {
            return width + "x" + height;
        }
    }

    static final Viewport PHONE = new Viewport("phone", 390, 844, true);
    static final Viewport TABLET = new Viewport("tablet", 820, 1180, true);
    static final Viewport DESKTOP = new Viewport("desktop", 1440, 900, false);

    private static final Path SHOTS = Path.of("target/screenshots");

    private static JsonNode target() throws Exception {
        return Json.MAPPER.readTree(browser.app().admin().get("/api/demo/target").body());
    }

    /** A new page of that size, axe-core loaded into each document it shows. */
    private static Page newPage(Viewport v) {
        Page page = browser.chromium().newPage(v.width(), v.height(), v.touch());
        Axe.install(page.context());
        return page;
    }

    private static Page console(Viewport v) {
        Page page = browser.chromium().login(newPage(v), browser.app().port(), "admin", TestAppliance.PASSWORD);
        page.waitForFunction("() => document.getElementById('st-hid').textContent.includes('online')");
        page.waitForFunction("() => { const e = PassKVMVideo.element(); return e && PassKVMVideo.stats().width === 1280 && e.getBoundingClientRect().width > 100; }");
        return page;
    }

    /** How far the page reaches past the viewport's right edge (0 when it does not). */
    private static int overflow(Page page) {
        return ((Number) page.evaluate("() => Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)")).intValue();
    }

    private static void assertFits(Page page, String what) {
        assertThat(overflow(page)).as("px of %s past the viewport's right edge", what).isZero();
        assertThat(Axe.seriousViolations(page)).as("serious or critical axe-core violations on %s", what).isEmpty();
    }

    private static void shoot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")));
    }

    /** The picture's box and the console area it fills, in CSS pixels. */
    @SuppressWarnings("unchecked")
    private static Map<String, Number> pictureAndArea(Page page) {
        return (Map<String, Number>) page.evaluate("() => { const r = PassKVMVideo.element().getBoundingClientRect(),"
                + " a = document.querySelector('main.console'); return {x: r.left, y: r.top, w: r.width, h: r.height, aw: a.clientWidth, ah: a.clientHeight}; }");
    }

    private static void assertPictureFillsItsArea(Page page, String what) {
        page.waitForFunction("() => { const r = PassKVMVideo.element().getBoundingClientRect(), a = document.querySelector('main.console');"
                + " return Math.abs(r.width - a.clientWidth) <= 1 || Math.abs(r.height - a.clientHeight) <= 1; }");
        Map<String, Number> p = pictureAndArea(page);
        double w = p.get("w").doubleValue(), h = p.get("h").doubleValue();
        assertThat(Math.max(w / p.get("aw").doubleValue(), h / p.get("ah").doubleValue())).as("picture filling the area on %s", what)
                .isCloseTo(1.0, Offset.offset(0.01));
        assertThat(h).as("picture's shape on %s", what).isCloseTo(w * 720 / 1280, Offset.offset(1.0));
    }

    private static boolean visible(Page page, String selector) {
        return page.locator(selector).isVisible();
    }

    /** The console's Panels, Full screen and Log out: on screen, behind ☰ Menu where the toolbar is narrow. */
    private static void assertToolbarReachable(Page page, Viewport v) {
        if (visible(page, "#btn-menu")) {
            page.click("#btn-menu");
        }
        for (String id : List.of("#btn-panels", "#btn-fullscreen", "#logout", "#btn-keys", "#btn-osk")) {
            assertThat(visible(page, id)).as("%s visible at %s", id, v.size()).isTrue();
            var box = page.locator(id).boundingBox();
            assertThat(box.x).as("%s left edge at %s", id, v.size()).isGreaterThanOrEqualTo(0);
            assertThat(box.x + box.width).as("%s right edge at %s", id, v.size()).isLessThanOrEqualTo(v.width());
        }
    }

    private static void closeToolbarMenu(Page page) {
        if (page.locator(".toolbar.open").count() > 0) {
            page.click("#btn-menu");
        }
    }

    @Test
    void atPhoneTabletAndDesktopSizesNothingOverflowsTheControlsAreReachableAndAxeFindsNothingSerious() {
        List<String> errors = new ArrayList<>();
        for (Viewport v : List.of(PHONE, TABLET, DESKTOP)) {
            Page login = newPage(v);
            login.navigate("https://127.0.0.1:" + browser.app().port() + "/login");
            login.waitForSelector("#login-button");
            assertFits(login, "the login page at " + v.size());
            login.context().close();

            Page page = console(v);
            assertPictureFillsItsArea(page, "the console at " + v.size());
            shoot(page, "console-" + v.size());
            assertFits(page, "the console at " + v.size());
            assertToolbarReachable(page, v);
            assertFits(page, "the console's menu at " + v.size());
            if (v.touch()) {
                shoot(page, "console-" + v.size() + "-menu");
            }
            page.click("#btn-osk");
            page.waitForSelector(".pk-touchbar .pk-type");
            closeToolbarMenu(page);
            assertFits(page, "the on-screen keyboard at " + v.size());
            if (v == PHONE) {
                shoot(page, "console-" + v.size() + "-keyboard");
            }
            if (visible(page, "#btn-menu")) {
                page.click("#btn-menu");
            }
            page.click("#btn-osk");

            if (visible(page, "#btn-menu") && page.locator(".toolbar.open").count() == 0) {
                page.click("#btn-menu");
            }
            page.click("#btn-panels");
            page.waitForSelector("#panel-atx .atx-panel");
            page.waitForSelector("#panel-media button");
            assertFits(page, "the panels at " + v.size());
            shoot(page, "panels-" + v.size());
            if (visible(page, "#drawer-close")) {
                page.click("#drawer-close");
            } else {
                page.click("#btn-panels");
            }

            page.click("#tab-host");
            page.waitForSelector("#host-connection .link-connected");
            page.waitForSelector("#host-devices .device");
            assertFits(page, "the Host view at " + v.size());
            shoot(page, "host-" + v.size());

            if (v == PHONE) { // the phone on its side: the picture takes the height
                page.click("#tab-console");
                page.setViewportSize(v.height(), v.width());
                assertPictureFillsItsArea(page, "the console at 844x390");
                assertThat(overflow(page)).as("px past the right edge at 844x390").isZero();
                assertThat(visible(page, "#btn-menu")).as("the menu button on a phone on its side").isTrue();
                shoot(page, "console-844x390");
            }
            errors.addAll(browser.chromium().consoleErrors(page));
            page.context().close();
        }
        assertThat(errors).isEmpty();
    }

    // ------------------------------------------------------------------ touch

    /** Raw touch events through the DevTools protocol: Playwright's touchscreen only taps. */
    private static void touch(CDPSession cdp, String type, double[]... points) {
        JsonObject params = new JsonObject();
        params.addProperty("type", type);
        JsonArray list = new JsonArray();
        for (int i = 0; i < points.length; i++) {
            JsonObject p = new JsonObject();
            p.addProperty("x", points[i][0]);
            p.addProperty("y", points[i][1]);
            p.addProperty("id", i);
            list.add(p);
        }
        params.add("touchPoints", list);
        cdp.send("Input.dispatchTouchEvent", params);
    }

    /** Where a pixel of the 1280×720 target picture is on the page now (zoomed or not), at the pixel's centre. */
    private static double[] pointOf(Page page, int targetX, int targetY) {
        Map<String, Number> p = pictureAndArea(page);
        return new double[] {p.get("x").doubleValue() + (targetX + 0.5) * p.get("w").doubleValue() / 1280,
                p.get("y").doubleValue() + (targetY + 0.5) * p.get("h").doubleValue() / 720};
    }

    private static JsonNode nextClick(int before) throws Exception {
        return Await.value(Duration.ofSeconds(5), () -> target().get("clicks"), c -> c.size() > before, "a click on the target")
                .get(before);
    }

    @Test
    void onAPhoneATapClicksTheTouchedPixelALongPressRightClicksTwoFingersScrollAndAPinchZoomsWithoutLosingTheMapping() throws Exception {
        Page page = console(PHONE);
        CDPSession cdp = page.context().newCDPSession(page);

        // Unzoomed, one CSS pixel of the 390 px wide picture is 1280/390 target pixels: that much rounding is fair.
        int before = target().get("clicks").size();
        double[] at = pointOf(page, 400, 300);
        page.touchscreen().tap(at[0], at[1]);
        JsonNode click = nextClick(before);
        double coarse = 1280 / pictureAndArea(page).get("w").doubleValue();
        assertThat(click.get("x").asDouble()).isCloseTo(400, Offset.offset(coarse));
        assertThat(click.get("y").asDouble()).isCloseTo(300, Offset.offset(coarse));
        assertThat(click.get("buttons").asInt()).as("a tap is a left click").isEqualTo(1);

        // Pinch open around that point: the picture zooms (five times), the point stays under the fingers.
        double[] c = pointOf(page, 400, 300);
        touch(cdp, "touchStart", new double[] {c[0] - 20, c[1]}, new double[] {c[0] + 20, c[1]});
        for (int i = 1; i <= 10; i++) {
            touch(cdp, "touchMove", new double[] {c[0] - 20 - 8 * i, c[1]}, new double[] {c[0] + 20 + 8 * i, c[1]});
        }
        touch(cdp, "touchEnd");
        double zoomedWidth = pictureAndArea(page).get("w").doubleValue();
        assertThat(zoomedWidth).as("the picture's width after the pinch").isGreaterThan(4 * 390);
        assertThat(overflow(page)).as("px past the right edge with the picture zoomed").isZero();
        double[] after = pointOf(page, 400, 300);
        assertThat(after[0]).as("the pinched point still under the fingers").isCloseTo(c[0], Offset.offset(2.0));

        // Zoomed, a CSS pixel is smaller than a target pixel: the tap lands on the very pixel, ±1.
        for (int[] p : new int[][] {{400, 300}, {420, 310}, {380, 290}}) {
            before = target().get("clicks").size();
            at = pointOf(page, p[0], p[1]);
            page.touchscreen().tap(at[0], at[1]);
            click = nextClick(before);
            assertThat(click.get("x").asDouble()).as("x of a zoomed tap at %d,%d", p[0], p[1]).isCloseTo(p[0], Offset.offset(1.0));
            assertThat(click.get("y").asDouble()).as("y of a zoomed tap at %d,%d", p[0], p[1]).isCloseTo(p[1], Offset.offset(1.0));
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("console-390x844-zoomed.png")));

        // A long press is a right click where the finger is.
        before = target().get("clicks").size();
        at = pointOf(page, 410, 305);
        touch(cdp, "touchStart", at);
        page.waitForTimeout(800);
        touch(cdp, "touchEnd");
        click = nextClick(before);
        assertThat(click.get("buttons").asInt()).as("a long press is a right click").isEqualTo(2);
        assertThat(click.get("x").asDouble()).isCloseTo(410, Offset.offset(1.0));
        page.waitForTimeout(300);
        assertThat(target().get("clicks").size()).as("no left click after the long press").isEqualTo(before + 1);

        // Two fingers moving up together: wheel notches (down, as the phone itself scrolls), no zoom change.
        page.evaluate("() => { window.wheels = []; const w = PassKVMInput.wheel; PassKVMInput.wheel = (v, h) => { wheels.push([v, h]); w(v, h); }; }");
        double[] m = pointOf(page, 400, 300);
        touch(cdp, "touchStart", new double[] {m[0] - 30, m[1] + 60}, new double[] {m[0] + 30, m[1] + 60});
        for (int i = 1; i <= 10; i++) {
            touch(cdp, "touchMove", new double[] {m[0] - 30, m[1] + 60 - 10 * i}, new double[] {m[0] + 30, m[1] + 60 - 10 * i});
        }
        touch(cdp, "touchEnd");
        assertThat(page.evaluate("() => JSON.stringify(wheels)")).isEqualTo("[[-1,0],[-1,0],[-1,0]]");
        assertThat(pictureAndArea(page).get("w").doubleValue()).as("scrolling keeps the zoom").isEqualTo(zoomedWidth);
        assertThat(browser.chromium().consoleErrors(page)).isEmpty();
        page.context().close();
    }

    @Test
    void thePhonesOwnKeyboardTypesThroughTheKeyBarWhoseKeysReachTheTarget() throws Exception {
        Page page = console(PHONE);
        page.click("#btn-menu");
        page.click("#btn-osk");
        page.waitForSelector(".pk-touchbar .pk-type");
        assertThat(page.evaluate("() => document.activeElement.classList.contains('pk-type')"))
                .as("the text field focused, which raises a phone's keyboard").isEqualTo(true);
        page.keyboard().insertText("echo Touch 1!"); // what a phone keyboard delivers: text, not key codes
        Await.value(Duration.ofSeconds(5), () -> lastLine(), l -> l.endsWith("echo Touch 1!"), "the typed text on the target");
        page.keyboard().press("Backspace");
        page.locator(".pk-touchbar button", new Page.LocatorOptions().setHasText("⏎")).click();
        Await.value(Duration.ofSeconds(5), () -> lastLine(), "demo$ "::equals, "a new prompt after the bar's Enter");
        assertThat(target().get("lines").toString()).contains("echo Touch 1\"");
        assertThat(page.locator(".pk-osk").isVisible()).as("the full keyboard waits behind All keys on a phone").isFalse();
        page.click(".pk-touchbar button:has-text('All keys')");
        assertThat(page.locator(".pk-osk").isVisible()).isTrue();
        assertThat(overflow(page)).isZero();
        page.context().close();
    }

    private static String lastLine() throws Exception {
        JsonNode lines = target().get("lines");
        return lines.get(lines.size() - 1).asText();
    }

    // ------------------------------------------------------------------ keyboard alone

    private static String focused(Page page) {
        return (String) page.evaluate("() => { const e = document.activeElement; if (!e || e === document.body) return '';"
                + " return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30); }");
    }

    private static Set<String> tabThrough(Page page, int presses) {
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < presses; i++) {
            page.keyboard().press("Tab");
            seen.add(focused(page));
        }
        return seen;
    }

    private static final String VISIBLE_CONTROLS = "() => [...document.querySelectorAll('button, a[href], input, select, textarea, [tabindex]')]"
            + ".filter((e) => !e.disabled && e.tabIndex >= 0 && e.checkVisibility({visibilityProperty: true}))"
            + ".map((e) => e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30))";

    @Test
    void withTheKeyboardAloneOneLogsInReachesEveryControlAndEntersAndLeavesTheCapturedPicture() throws Exception {
        Page page = newPage(DESKTOP);
        page.navigate("https://127.0.0.1:" + browser.app().port() + "/login");
        page.waitForSelector("#login-button");
        assertThat(focused(page)).as("the login page starts in the password (the user is filled in)").isEqualTo("#password");
        page.keyboard().type(TestAppliance.PASSWORD);
        page.keyboard().press("Enter");
        page.waitForURL("https://127.0.0.1:" + browser.app().port() + "/");
        page.waitForFunction("() => document.getElementById('st-hid').textContent.includes('online')");

        // The console starts captured (focus on the picture). The release chord gives the keyboard back, on screen too.
        page.waitForFunction("() => document.activeElement.id === 'screen'");
        assertThat(page.textContent("#st-capture")).contains("to the target").contains("Ctrl+Alt+Shift");
        page.keyboard().down("Control");
        page.keyboard().down("Alt");
        page.keyboard().down("Shift");
        page.keyboard().up("Shift");
        page.keyboard().up("Alt");
        page.keyboard().up("Control");
        assertThat(page.textContent("#st-capture")).contains("page").contains("Enter captures");

        // Released, Shift+Tab walks back to Panels; Enter opens them and puts the focus in them.
        for (int i = 0; i < 20 && !focused(page).equals("#btn-panels"); i++) {
            page.keyboard().press("Shift+Tab");
        }
        assertThat(focused(page)).isEqualTo("#btn-panels");
        page.keyboard().press("Enter");
        page.waitForSelector("#panel-media button");
        assertThat((Boolean) page.evaluate("() => document.getElementById('drawer').contains(document.activeElement)"))
                .as("focus in the opened panels").isTrue();

        // Tab reaches every visible control, the picture included without being caught by it.
        @SuppressWarnings("unchecked")
        List<String> controls = (List<String>) page.evaluate(VISIBLE_CONTROLS);
        Set<String> seen = tabThrough(page, controls.size() + 10);
        assertThat(seen).as("controls reached with Tab").containsAll(controls);
        assertThat(Axe.seriousViolations(page)).as("serious or critical axe-core violations, keyboard user's console").isEmpty();

        // The mouse jiggler's switch, by keyboard: the status bar shows it while it is on.
        for (int i = 0; i < controls.size() + 5 && !focused(page).equals("#jiggler-on"); i++) {
            page.keyboard().press("Tab");
        }
        page.keyboard().press("Space");
        page.waitForSelector("#st-jiggler:not([hidden])");
        assertThat(page.textContent("#st-jiggler")).isEqualTo("Jiggler: on · 60 s");
        page.keyboard().press("Space");
        page.waitForSelector("#st-jiggler[hidden]", new Page.WaitForSelectorOptions().setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));

        // Enter on the picture captures the keys (Tab too), the chord lets them go again.
        for (int i = 0; i < controls.size() + 5 && !focused(page).equals("#screen"); i++) {
            page.keyboard().press("Tab");
        }
        assertThat(page.textContent("#st-capture")).contains("Enter captures");
        page.keyboard().press("Enter");
        assertThat(page.textContent("#st-capture")).contains("to the target");
        ConsoleBrowserTest.typeLikeAPerson(page, "echo keys");
        page.keyboard().press("Tab");
        assertThat(focused(page)).as("Tab goes to the target while captured").isEqualTo("#screen");
        Await.value(Duration.ofSeconds(5), () -> lastLine(), l -> l.endsWith("echo keys\t"), "the typed line and Tab on the target");
        page.keyboard().press("Enter");
        Await.value(Duration.ofSeconds(5), () -> lastLine(), "demo$ "::equals, "a new prompt after Enter");
        page.keyboard().down("Control");
        page.keyboard().down("Alt");
        page.keyboard().down("Shift");
        page.keyboard().up("Shift");
        page.keyboard().up("Alt");
        page.keyboard().up("Control");
        page.keyboard().press("Tab");
        assertThat(focused(page)).as("after the release chord Tab leaves the picture").isNotEqualTo("#screen");
        assertThat(browser.chromium().consoleErrors(page)).isEmpty();
        page.context().close();
    }

    // ------------------------------------------------------------------ macros

    private static long linesEqual(String line) throws Exception {
        long n = 0;
        for (JsonNode l : target().get("lines")) {
            if (l.asText().equals(line)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aMacroRecordedInTheConsoleIsSavedAndReplayedByAClickAndByItsHotkey() throws Exception {
        Page page = console(DESKTOP);
        long before = linesEqual("demo$ echo rec");
        page.click("#btn-panels");
        page.waitForSelector("#panel-macros .macro-editor");
        page.click("#panel-macros button:has-text('Record')");
        page.click("#screen"); // into the picture: captured
        ConsoleBrowserTest.typeLikeAPerson(page, "echo rec");
        page.keyboard().press("Enter");
        Await.value(Duration.ofSeconds(5), () -> linesEqual("demo$ echo rec"), n -> n == before + 1, "the recorded line on the target");
        page.click("#panel-macros button:has-text('Stop recording')");
        String script = page.inputValue("#panel-macros .macro-script");
        assertThat(script).contains("down KeyE").contains("up Enter").contains("press left");
        page.fill("#panel-macros input[aria-label='Macro name']", "rec");
        page.selectOption("#panel-macros select[aria-label='Hotkey']", "2");
        page.click("#panel-macros button:has-text('Save')");
        page.waitForSelector("#panel-macros .macro:has-text('rec')");

        page.click("#panel-macros button[aria-label='Run rec']");
        Await.value(Duration.ofSeconds(10), () -> linesEqual("demo$ echo rec"), n -> n == before + 2, "the macro replayed by a click");
        page.waitForSelector("#panel-macros [role=status]:has-text('done')");
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("macro-1440x900.png")));

        // The admin's Settings panel: a live setting says so, one for the encoder waits for a restart; both reset.
        page.fill("#setting-video-h264-bitrate_kbps", "3000");
        page.press("#setting-video-h264-bitrate_kbps", "Enter");
        page.waitForSelector("[data-key='video.h264.bitrate_kbps']:has-text('takes effect at the next restart')");
        page.check("#setting-hid-jiggler");
        page.waitForSelector("[data-key='hid.jiggler']:has-text('applied at once')");
        page.waitForSelector("#st-jiggler:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(10_000));
        page.click("[data-key='video.h264.bitrate_kbps'] button:has-text('Reset')");
        page.waitForSelector("[data-key='video.h264.bitrate_kbps']:has-text('applies at the next restart')");
        page.click("[data-key='hid.jiggler'] button:has-text('Reset')");
        page.waitForFunction("() => !document.getElementById('setting-hid-jiggler').checked");

        page.click("#screen");
        page.keyboard().press("Control+Alt+Digit2");
        Await.value(Duration.ofSeconds(10), () -> linesEqual("demo$ echo rec"), n -> n == before + 3, "the macro replayed by Ctrl+Alt+2");
        assertThat(browser.chromium().consoleErrors(page)).isEmpty();
        page.context().close();
    }
}
