package org.passkvm.hid.gadget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches the device controller's view of the host. Polled rather than notified: a sysfs read every 250 ms costs
 * nothing and also catches our gadget being unbound (the controller's state file keeps saying "configured" then).
 */
final class UsbHostMonitor implements AutoCloseable {

    private static final int PERIOD_MILLIS = 250;

    private final Path udcClass;
    private final Supplier<Optional<String>> boundUdc;
    private final Consumer<UsbHostState> listener;
    private final ScheduledExecutorService timer;
    private volatile UsbHostState state;

    UsbHostMonitor(Path udcClass, Supplier<Optional<String>> boundUdc, Consumer<UsbHostState> listener) {
        this.udcClass = udcClass;
        this.boundUdc = boundUdc;
        this.listener = listener;
        this.state = read();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "usb-host-monitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    UsbHostState state() {
        return state;
    }

    private void check() {
        UsbHostState now = read();
        if (now != state) {
            state = now;
            listener.accept(now);
        }
    }

    private UsbHostState read() {
        Optional<String> udc = boundUdc.get();
        if (udc.isEmpty()) {
            return UsbHostState.UNBOUND;
        }
        try {
            return UsbHostState.fromSysfs(Files.readString(udcClass.resolve(udc.get()).resolve("state")));
        } catch (IOException e) {
            return UsbHostState.NOT_ATTACHED;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
