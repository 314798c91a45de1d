package org.passkvm.vnc;

import com.microsoft.playwright.Page;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.passkvm.testkit.Tools;

/**
 * The real noVNC (npm {@code @novnc/novnc}), fetched at test time into {@code appliance/target} (never committed),
 * with a small page of ours beside its {@code core/}, for PassKVM to serve at {@code /novnc/} ({@code vnc.novnc_dir}).
 */
final class NoVnc {

    static final String VERSION = "1.7.0";
    static final String PAGE = "passkvm-novnc.html";

    private NoVnc() {}

    /** noVNC's package directory with the test page in it, installed with npm on first use. */
    static Path install() throws IOException, InterruptedException {
        Tools.require("npm", "node");
        Path prefix = Tools.repository().resolve("appliance/target/novnc-" + VERSION);
        Path pkg = prefix.resolve("node_modules/@novnc/novnc");
        if (!Files.exists(pkg.resolve("core/rfb.js"))) {
            Viewers.Result r = Viewers.run(Duration.ofMinutes(3), "npm", "install", "--no-save", "--no-audit", "--no-fund",
                    "--prefix", prefix.toString(), "@novnc/novnc@" + VERSION);
            if (r.code() != 0 || !Files.exists(pkg.resolve("core/rfb.js"))) {
                throw new IOException("npm could not install @novnc/novnc@" + VERSION + ": " + r.output());
            }
        }
        Path resources = Tools.repository().resolve("appliance/src/test/resources/vnc");
        Files.copy(resources.resolve("novnc.html"), pkg.resolve(PAGE), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(resources.resolve("passkvm-novnc.js"), pkg.resolve("passkvm-novnc.js"), StandardCopyOption.REPLACE_EXISTING);
        return pkg;
    }

    /** Opens the page from PassKVM on {@code page} (logged in already) and waits until noVNC has connected. */
    static void open(Page page, int port) {
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
        page.navigate("https://127.0.0.1:" + port + "/novnc/" + PAGE);
        page.waitForFunction("() => window.novncEvents && novncEvents.length > 0");
        List<?> events = (List<?>) page.evaluate("() => novncEvents");
        if (!events.contains("connect")) {
            throw new AssertionError("noVNC did not connect: " + events + "; its console: " + console);
        }
    }

    /** What noVNC's canvas shows now. */
    static BufferedImage picture(Page page) throws IOException {
        String url = (String) page.evaluate("() => document.querySelector('#screen canvas').toDataURL('image/png')");
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))));
    }

    /** Mean difference per colour channel from the target's own snapshot (JPEG noise and the clock move it a little). */
    static double meanDifference(org.passkvm.appliance.TestAppliance app, BufferedImage seen) throws IOException {
        BufferedImage truth = ImageIO.read(new ByteArrayInputStream(app.admin().getBytes("/api/video/snapshot.jpg")));
        if (seen == null || seen.getWidth() != truth.getWidth() || seen.getHeight() != truth.getHeight()) {
            return Double.MAX_VALUE;
        }
        long sum = 0;
        int n = 0;
        for (int y = 0; y < truth.getHeight(); y += 4) {
            for (int x = 0; x < truth.getWidth(); x += 4) {
                int a = seen.getRGB(x, y);
                int b = truth.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF));
                    n++;
                }
            }
        }
        return (double) sum / n;
    }

}
