package org.passkvm.appliance;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.passkvm.testkit.Tools;

/**
 * Deque's axe-core (npm {@code axe-core}), fetched at test time into {@code appliance/target} (never committed) and
 * injected into a page to list its accessibility violations.
 */
public final class Axe {

    static final String VERSION = "4.14.1";

    private Axe() {}

    /** axe.min.js, installed with npm on first use. */
    static synchronized Path script() throws IOException, InterruptedException {
        Tools.require("npm", "node");
        Path prefix = Tools.repository().resolve("appliance/target/axe-core-" + VERSION);
        Path js = prefix.resolve("node_modules/axe-core/axe.min.js");
        if (!Files.exists(js)) {
            Path log = Files.createTempFile("npm-axe", ".log");
            Process p = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix.toString(),
                    "axe-core@" + VERSION).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(3, TimeUnit.MINUTES);
            if (!done || p.exitValue() != 0 || !Files.exists(js)) {
                p.destroyForcibly();
                throw new IOException("npm could not install axe-core@" + VERSION + ": " + Files.readString(log, StandardCharsets.UTF_8));
            }
            Files.delete(log);
        }
        return js;
    }

    /**
     * Makes every page of the context load axe-core before its own scripts. (As an init script it is not subject to
     * the console's Content-Security-Policy, which rightly refuses an injected script tag.)
     */
    public static void install(BrowserContext context) {
        try {
            context.addInitScript(script());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The serious and critical violations on the page as it is now (hidden parts are not checked, as axe does), one
     * line each: rule, impact, and the first elements it found. The page's context must have had {@link #install}.
     */
    @SuppressWarnings("unchecked")
    public static List<String> seriousViolations(Page page) {
        if (!(Boolean) page.evaluate("() => typeof axe !== 'undefined'")) {
            throw new IllegalStateException("axe-core is not in the page: Axe.install(context) before navigating");
        }
        return (List<String>) page.evaluate("async () => {"
                + " const r = await axe.run(document, { resultTypes: ['violations'] });"
                + " return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')"
                + "   .map((v) => `${v.id} (${v.impact}): ${v.help} at `"
                + "     + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + (n.failureSummary ? ' [' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 160) + ']' : '')).join('; ')); }");
    }
}
