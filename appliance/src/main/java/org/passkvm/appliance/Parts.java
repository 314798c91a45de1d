package org.passkvm.appliance;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.passkvm.simulator.SimulatedTarget;
import org.passkvm.web.WebServer;
import org.tinylog.Logger;

/**
 * What each capability's wiring gets to work with: the settings, the data directory, the web
 * server to register routes and health into, and the simulated target, created only when some
 * capability runs on its demo part. Everything a wiring opens is handed back here to be closed.
 */
public final class Parts implements AutoCloseable {

    private final Config config;
    private final StartupOptions options;
    private final WebServer web;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private SimulatedTarget simulator;

    Parts(Config config, StartupOptions options, WebServer web) {
        this.config = config;
        this.options = options;
        this.web = web;
    }

    public Config config() {
        return config;
    }

    public StartupOptions options() {
        return options;
    }

    public Path dataDir() {
        return options.dataDir();
    }

    public WebServer web() {
        return web;
    }

    /** The simulated target PC, started on first use with the {@code demo:} settings. */
    public synchronized SimulatedTarget simulator() {
        if (simulator == null) {
            Config demo = config.section("demo");
            simulator = own(new SimulatedTarget(demo.bool("powered_on", true), demo.integer("boot_ms", 1500, 0, 60_000)));
            Logger.info("Running the simulated target PC (demo mode)");
        }
        return simulator;
    }

    public synchronized boolean hasSimulator() {
        return simulator != null;
    }

    public synchronized <T extends AutoCloseable> T own(T part) {
        owned.push(part);
        return part;
    }

    @Override
    public synchronized void close() {
        while (!owned.isEmpty()) {
            AutoCloseable part = owned.pop();
            try {
                part.close();
            } catch (Exception e) {
                Logger.warn(e, "Closing {} failed", part);
            }
        }
    }
}
