package org.passkvm.appliance;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.passkvm.appliance.settings.Schema;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.simulator.SimulatedTarget;
import org.passkvm.web.WebServer;
import org.tinylog.Logger;

/**
 * What each capability's wiring gets to work with: the settings, the data directory, the web
 * server to register routes and health into, and the simulated target, created only when some
 * capability runs on its demo part. Everything a wiring opens is handed back here to be closed.
 */
public final class Parts implements AutoCloseable {

    static final Setting<Boolean> POWERED_ON = Setting.flag("powered_on", true, "");
    static final Setting<Integer> BOOT_MS = Setting.integer("boot_ms", 1500, 0, 60_000, "");
    /** The simulated target PC's settings: it belongs to no one capability, and runs when any uses a demo part. */
    static final Section DEMO = Section.of("demo", POWERED_ON, BOOT_MS).doc("the simulated target PC (embedded default)");

    private final Schema.Settings settings;
    private final StartupOptions options;
    private final WebServer web;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private final Map<Class<?>, Object> provided = new HashMap<>();
    private SimulatedTarget simulator;

    Parts(Schema.Settings settings, StartupOptions options, WebServer web) {
        this.settings = settings;
        this.options = options;
        this.web = web;
    }

    /** The checked settings of every section. */
    public Schema.Settings settings() {
        return settings;
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
            Values demo = settings.section("demo");
            simulator = own(new SimulatedTarget(demo.get(POWERED_ON), demo.get(BOOT_MS)));
            Logger.info("Running the simulated target PC (demo mode)");
        }
        return simulator;
    }

    public synchronized boolean hasSimulator() {
        return simulator != null;
    }

    /**
     * What a started part offers the parts that {@link Capability#needs() need} it (the video stream, the HID input):
     * handed over here instead of read back from another capability's classes.
     */
    public synchronized <T> void provide(Class<T> type, T value) {
        provided.put(type, value);
    }

    /** What a needed capability provided; empty when that capability is off. */
    public synchronized <T> Optional<T> provided(Class<T> type) {
        return Optional.ofNullable(type.cast(provided.get(type)));
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
