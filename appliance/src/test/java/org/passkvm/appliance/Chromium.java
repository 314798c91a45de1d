package org.passkvm.appliance;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.passkvm.testkit.Tools;

/**
 * Debian's Chromium driven by Playwright, the way a person uses the console: headless, a fresh
 * profile, the flags this closed network needs, and the device's self-signed certificate accepted.
 * Console errors are collected so a test can insist there are none.
 */
public final class Chromium implements AutoCloseable {

    private final Playwright playwright;
    private final Browser browser;
    private final java.util.Map<Page, List<String>> consoleErrors = new java.util.concurrent.ConcurrentHashMap<>();

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /** Launches Chromium, or skips the test where it is not installed (CI installs it). */
    public static Chromium launch() {
        return launch(List.of());
    }

    /** Like {@link #launch()}, with more command-line flags (e.g. {@code --autoplay-policy=no-user-gesture-required}). */
    public static Chromium launch(List<String> extraArgs) {
        Path executable = Tools.path("chromium");
        Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        List<String> args = new ArrayList<>(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"));
        args.addAll(extraArgs);
        Browser b = pw.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(executable)
                .setHeadless(true)
                .setArgs(args));
        return new Chromium(pw, b);
    }

    /** A fresh context (its own cookies) that accepts the device's certificate; the caller may close it. */
    public BrowserContext newContext() {
        return browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true).setViewportSize(1400, 900));
    }

    /** A new page in a fresh context (its own cookies), recording console errors. */
    public Page newPage() {
        return record(newContext().newPage());
    }

    /**
     * A new page in a fresh context of the given viewport; with {@code touch}, a phone or tablet: touch events and
     * the mobile viewport meta tag honoured.
     */
    public Page newPage(int width, int height, boolean touch) {
        return record(browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true).setViewportSize(width, height)
                .setHasTouch(touch).setIsMobile(touch).setDeviceScaleFactor(1)).newPage());
    }

    private Page record(Page page) {
        page.setDefaultTimeout(60_000);
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        consoleErrors.put(page, errors);
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                errors.add(m.text());
            }
        });
        page.onPageError(e -> errors.add("page error: " + e));
        return page;
    }

    /** Logs in through the login page and waits for the console. */
    public Page login(int port, String user, String password) {
        return login(newPage(), port, user, password);
    }

    /** Logs in on {@code page} through the login page and waits for the console. */
    public Page login(Page page, int port, String user, String password) {
        page.navigate("https://127.0.0.1:" + port + "/");
        page.waitForURL("**/login");
        page.fill("#user", user);
        page.fill("#password", password);
        page.click("#login-button");
        page.waitForURL("https://127.0.0.1:" + port + "/");
        page.waitForSelector("#screen");
        return page;
    }

    /**
     * The benches' console as admin on a page of {@code context}: logged in, the keyboard online and the picture
     * playing in {@code mode} ("h264" or "mjpeg", which the context's init scripts decide).
     */
    public Page playingConsole(com.microsoft.playwright.BrowserContext context, int port, String password, String mode) {
        Page page = context.newPage();
        page.setDefaultTimeout(60_000);
        login(page, port, "admin", password);
        page.waitForFunction("() => document.getElementById('st-hid').textContent.includes('online')");
        page.waitForFunction("m => PassKVMVideo.stats().mode === m && PassKVMVideo.stats().state === 'playing'", mode);
        return page;
    }

    /** Every page's console errors together. */
    public List<String> consoleErrors() {
        return consoleErrors.values().stream().flatMap(List::stream).toList();
    }

    /** What the page logged as errors in the browser's console (failed requests, script errors). */
    public List<String> consoleErrors(Page page) {
        return consoleErrors.getOrDefault(page, List.of());
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
