package org.passkvm.appliance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One appliance and Debian's Chromium for a whole browser test class, started before its tests and
 * closed after them:
 * {@code @RegisterExtension static final BrowserSession browser = BrowserSession.of(TestAppliance::start);}
 * Without Chromium the class is skipped before an appliance is started for nothing.
 */
public final class BrowserSession implements BeforeAllCallback, AfterAllCallback {

    /** Starts the appliance on a fresh data directory. */
    public interface Starter {
        TestAppliance start(Path dataDir) throws Exception;
    }

    private final Starter starter;
    private Path dataDir;
    private TestAppliance app;
    private Chromium chromium;

    private BrowserSession(Starter starter) {
        this.starter = starter;
    }

    public static BrowserSession of(Starter starter) {
        return new BrowserSession(starter);
    }

    public TestAppliance app() {
        return app;
    }

    public Chromium chromium() {
        return chromium;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        chromium = Chromium.launch();
        dataDir = Files.createTempDirectory("passkvm-browser");
        app = starter.start(dataDir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close();
        }
        if (app != null) {
            app.close();
        }
        if (dataDir != null) {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
