package org.passkvm.hid.gadget;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.tinylog.Logger;

/**
 * Delivers one HID device's reports on its own thread, so a stalled mouse never holds up the keyboard and a caller
 * never waits for the USB host.
 *
 * <p>While the host takes reports they are queued in order (so fast typing loses no keystroke). When the host stops
 * taking them (function unbound, host suspended or gone) the device is marked offline, the queue is replaced by the
 * all-released report, and from then on only the latest report is kept: a host that comes back sees the current
 * state, never a key that was held when the link dropped.
 */
final class ReportWriter implements AutoCloseable {

    /** How the writer paces itself; the defaults suit a 1 ms USB polling interval. */
    record Timing(int pollMillis, int offlineAfterBusyMillis, int retryMillis) {
        static final Timing DEFAULT = new Timing(20, 500, 100);
    }

    interface OnlineListener {
        void onlineChanged(String device, boolean online);
    }

    /** Beyond this backlog the host is clearly not keeping up: collapse to the latest state. */
    private static final int QUEUE_LIMIT = 64;

    private final String name;
    private final HidEndpoint endpoint;
    private final byte[] released;
    private final Timing timing;
    private final OnlineListener listener;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean online = true; // optimistic until the first failure, so an early burst is not collapsed
    private volatile long sent;
    private long busySince;

    ReportWriter(String name, HidEndpoint endpoint, int reportLength, Timing timing, OnlineListener listener) {
        this.name = name;
        this.endpoint = endpoint;
        this.released = new byte[reportLength];
        this.timing = timing;
        this.listener = listener;
        this.thread = new Thread(this::run, "hid-writer-" + name);
        thread.setDaemon(true);
    }

    ReportWriter start() {
        thread.start();
        return this;
    }

    String name() {
        return name;
    }

    /** Queues a report; returns at once whatever the host does. The array must not be modified afterwards. */
    void submit(byte[] report) {
        synchronized (queue) {
            if (!online || queue.size() >= QUEUE_LIMIT) {
                queue.clear();
            }
            queue.addLast(report);
        }
        LockSupport.unpark(thread);
    }

    /** Lets go of every key or button of this device. */
    void releaseAll() {
        submit(released.clone());
    }

    /** Retry now, e.g. because the host just configured the gadget. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** The host left (unplugged, suspended, unbound): release now rather than when a write first fails. */
    void hostGone() {
        goOffline();
    }

    boolean online() {
        return online;
    }

    /** Reports the kernel accepted so far. */
    long sentCount() {
        return sent;
    }

    boolean idle() {
        synchronized (queue) {
            return queue.isEmpty();
        }
    }

    private void run() {
        while (running) {
            byte[] next;
            synchronized (queue) {
                next = queue.peekFirst();
            }
            if (next == null) {
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                continue;
            }
            switch (endpoint.write(next, timing.pollMillis())) {
                case SENT -> delivered(next);
                case BUSY -> stillBusy();
                case OFFLINE -> {
                    busySince = 0;
                    goOffline();
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(timing.retryMillis()));
                }
            }
        }
    }

    private void delivered(byte[] report) {
        synchronized (queue) {
            if (queue.peekFirst() == report) { // else a submit while offline already replaced it
                queue.pollFirst();
            }
        }
        sent++;
        busySince = 0;
        if (!online) {
            online = true;
            Logger.info("HID {}: host is taking reports again", name);
            listener.onlineChanged(name, true);
        }
    }

    private void stillBusy() {
        long now = System.nanoTime();
        if (busySince == 0) {
            busySince = now;
        } else if (now - busySince > TimeUnit.MILLISECONDS.toNanos(timing.offlineAfterBusyMillis())) {
            goOffline();
        }
    }

    private void goOffline() {
        synchronized (queue) {
            if (!online) {
                return;
            }
            online = false;
            queue.clear();
            queue.addLast(released.clone());
        }
        Logger.info("HID {}: host is not taking reports; keys released, keeping only the latest state", name);
        listener.onlineChanged(name, false);
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        endpoint.close();
    }
}
