package org.passkvm.hid.gadget;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.passkvm.hid.KeyboardLeds;

/**
 * Reads the boot keyboard's output report (the LED byte the host sends when Caps Lock etc. change) on its own thread.
 * f_hidg keeps one queue per function, shared by all open descriptors, so exactly one reader may exist.
 */
final class LedReader implements AutoCloseable {

    private static final int POLL_MILLIS = 200;
    private static final int RETRY_MILLIS = 200;

    private final HidEndpoint endpoint;
    private final Consumer<KeyboardLeds> listener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KeyboardLeds leds = KeyboardLeds.OFF;

    LedReader(HidEndpoint endpoint, Consumer<KeyboardLeds> listener) {
        this.endpoint = endpoint;
        this.listener = listener;
        this.thread = new Thread(this::run, "hid-leds");
        thread.setDaemon(true);
    }

    LedReader start() {
        thread.start();
        return this;
    }

    KeyboardLeds leds() {
        return leds;
    }

    private void run() {
        byte[] buffer = new byte[8]; // the output report is one byte; a larger buffer tolerates a report ID
        while (running) {
            int n = endpoint.read(buffer, POLL_MILLIS);
            if (n > 0) {
                KeyboardLeds now = KeyboardLeds.fromReport(buffer[0] & 0xff);
                if (!now.equals(leds)) {
                    leds = now;
                    listener.accept(now);
                }
            } else if (n < 0) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        endpoint.close();
    }
}
