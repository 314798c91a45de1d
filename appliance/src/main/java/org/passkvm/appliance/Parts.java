package org.passkvm.appliance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    private final List<Later<?>> later = new ArrayList<>();
    private SimulatedTarget simulator;
    private Thread starter;
    private boolean closing;

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

    public <T extends AutoCloseable> T own(T part) {
        synchronized (this) {
            if (!closing) {
                owned.push(part);
                return part;
            }
        }
        closeQuietly(part); // a deferred part that finished starting after the appliance began to stop
        return part;
    }

    /**
     * A part that starts after the console answers, so that nobody waits for it at boot (see {@link Later}). The
     * tasks run one after the other, in the order asked for, once {@link #startLater} is called.
     */
    public synchronized <T> Later<T> later(String what, Later.Task<T> task) {
        Later<T> part = new Later<>(what, task);
        later.add(part);
        return part;
    }

    /** Starts the deferred parts on a thread of their own; the appliance calls it once its web server answers. */
    synchronized void startLater() {
        List<Later<?>> tasks = List.copyOf(later);
        starter = new Thread(() -> {
            long started = System.nanoTime();
            for (Later<?> part : tasks) {
                synchronized (this) {
                    if (closing) {
                        part.abandon();
                        continue;
                    }
                }
                part.run();
            }
            Logger.info("Parts started after the console: {} in {} ms", tasks.stream().map(Later::what).toList(),
                    (System.nanoTime() - started) / 1_000_000);
        }, "part-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Waits until every deferred part started or failed; false if that took longer than {@code within}. */
    boolean awaitLater(Duration within) throws InterruptedException {
        List<Later<?>> tasks;
        synchronized (this) {
            tasks = List.copyOf(later);
        }
        long deadline = System.nanoTime() + within.toNanos();
        for (Later<?> part : tasks) {
            if (!part.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closing = true;
            running = starter;
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(10)); // let a part that is starting finish, then close it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            later.forEach(Later::abandon);
            while (!owned.isEmpty()) {
                closeQuietly(owned.pop());
            }
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            Logger.warn(e, "Closing {} failed", part);
        }
    }
}
