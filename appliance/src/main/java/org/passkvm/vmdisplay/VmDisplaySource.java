package org.passkvm.vmdisplay;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;
import org.passkvm.video.VideoSource;
import org.passkvm.vnc.RfbClient;
import org.passkvm.vnc.RfbFramebuffer;
import org.tinylog.Logger;

/**
 * One VM's screen as a video source: an {@link RfbClient} on a {@link Tunnel} to its VNC console. A reading thread
 * draws updates into the framebuffer and asks for the next (at most {@code maxFps} a second); {@link #grab} hands the
 * stream a copy whenever the picture changed, and at least every {@link #STILL_MS} while it does not, so a still
 * screen is not taken for a lost signal. The copy buffer is reused: no allocation per frame.
 */
final class VmDisplaySource implements VideoSource {

    /** Opens the tunnel to a VM's console, or says why there is none (VM stopped, host unreachable). */
    interface Connector {
        Tunnel open() throws SourceException;

        /** Why a working console stopped: asks the host whether the VM still runs. */
        SourceException lost(String detail);
    }

    static final long STILL_MS = 250;
    private static final long CONNECT_MS = 30_000;

    private final String vm;
    private final Connector connector;
    private final long minIntervalNanos;
    private final Object lock = new Object();

    private Tunnel tunnel;
    private volatile RfbClient client;
    private volatile RfbFramebuffer fb;
    private Thread reader;
    private String failure;
    private boolean connected;
    private long updates;
    private long updatesGrabbed = -1;
    private ByteBuffer copy;

    VmDisplaySource(String vm, Connector connector, int maxFps) {
        this.vm = vm;
        this.connector = connector;
        this.minIntervalNanos = 1_000_000_000L / Math.max(1, maxFps);
    }

    String vm() {
        return vm;
    }

    @Override
    public String kind() {
        return "vm";
    }

    @Override
    public void open() throws SourceException {
        Tunnel t = connector.open();
        synchronized (lock) {
            tunnel = t;
            failure = null;
            connected = false;
            updates = 0;
            updatesGrabbed = -1;
        }
        reader = new Thread(() -> read(t), "vm-display-" + vm);
        reader.setDaemon(true);
        reader.start();
        long until = System.nanoTime() + CONNECT_MS * 1_000_000;
        String why;
        synchronized (lock) {
            while (!connected && failure == null) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    failure = "the VM's VNC console did not answer within " + CONNECT_MS / 1000 + " s (" + t.describe() + ")";
                    break;
                }
                waitOn(left);
            }
            why = failure;
        }
        if (why != null) {
            close();
            throw connector.lost(why);
        }
    }

    private void read(Tunnel t) {
        try {
            RfbClient c = RfbClient.connect(t.in(), t.out(), null);
            RfbFramebuffer f = new RfbFramebuffer(c.width(), c.height());
            client = c;
            fb = f;
            synchronized (lock) {
                connected = true;
                lock.notifyAll();
            }
            Logger.info("VM display: {} {}x{} through {}", vm, c.width(), c.height(), t.describe());
            long requested = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                if (c.read(f)) {
                    synchronized (lock) {
                        updates++;
                        lock.notifyAll();
                    }
                    // Paced from the last request, not from this update's arrival: the time QEMU took to encode
                    // and the tunnel to carry it counts towards the interval.
                    long wait = requested + minIntervalNanos - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    requested = System.nanoTime();
                    c.requestUpdate(true, f.width(), f.height());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            String why = t.failure() != null ? t.failure()
                    : e instanceof EOFException ? "the VM's VNC console closed (" + t.describe() + ")" : String.valueOf(e.getMessage());
            synchronized (lock) {
                if (failure == null) {
                    failure = why;
                }
                lock.notifyAll();
            }
        }
    }

    @Override
    public RawFrame grab() throws SourceException {
        String why;
        synchronized (lock) {
            long until = System.nanoTime() + STILL_MS * 1_000_000;
            long left;
            while (failure == null && updates == updatesGrabbed && (left = until - System.nanoTime()) > 0) {
                waitOn(left);
            }
            why = failure;
            updatesGrabbed = updates;
        }
        if (why != null) {
            throw connector.lost(why);
        }
        RfbFramebuffer f = fb;
        int w;
        int h;
        synchronized (f) { // the size and the pixels of one moment: the reader may resize in between
            copy = f.copyTo(copy);
            w = f.width();
            h = f.height();
        }
        return new RawFrame(PixelFormat.BGR0, w, h, w * 4, copy, System.nanoTime());
    }

    /** Sends a key to the VM (by QEMU number and keysym); false when not connected. */
    boolean key(boolean down, int keysym, int qnum) {
        return send(c -> c.key(down, keysym, qnum));
    }

    /** A pointer event at 0..32767 on both axes, scaled to the desktop. */
    boolean pointer(int buttons, int x, int y) {
        RfbFramebuffer f = fb;
        if (f == null) {
            return false;
        }
        int px = (int) ((long) x * (f.width() - 1) / 32767);
        int py = (int) ((long) y * (f.height() - 1) / 32767);
        return send(c -> c.pointer(buttons, px, py));
    }

    boolean cutText(String text) {
        return send(c -> c.cutText(text));
    }

    private interface Send {
        void to(RfbClient c) throws IOException;
    }

    private boolean send(Send s) {
        RfbClient c = client;
        if (c == null) {
            return false;
        }
        try {
            s.to(c);
            return true;
        } catch (IOException e) {
            Logger.debug("VM display {}: input not sent: {}", vm, e.getMessage());
            return false;
        }
    }

    /** The current picture's size, or null before the first. */
    int[] size() {
        RfbFramebuffer f = fb;
        return f == null ? null : new int[] {f.width(), f.height()};
    }

    private void waitOn(long nanos) {
        try {
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = failure == null ? "interrupted" : failure;
        }
    }

    @Override
    public void close() {
        RfbClient c = client;
        client = null;
        Tunnel t;
        synchronized (lock) {
            t = tunnel;
            tunnel = null;
        }
        if (c != null) {
            c.close();
        }
        if (t != null) {
            t.close();
        }
        Thread r = reader;
        if (r != null && r != Thread.currentThread()) {
            r.interrupt();
            try {
                r.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fb = null;
    }
}
