package org.passkvm.video.stream;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;
import org.passkvm.video.VideoSource;
import org.passkvm.video.encode.JpegEncoder;
import org.passkvm.video.encode.JpegHuffman;
import org.tinylog.Logger;

/**
 * One capture for every viewer. A single thread opens the source when the first viewer arrives,
 * grabs, turns each frame into a JPEG (forwarding device JPEGs untouched) and publishes it to the
 * hub; it closes the source a linger period after the last viewer left. While the source fails it
 * publishes a reason screen and reopens it every retry period, so viewers see why and see the
 * picture come back by itself.
 */
public final class VideoStream implements AutoCloseable {

    /** A viewer's claim on the stream; close it when the viewer leaves. */
    public interface Viewer extends AutoCloseable {
        @Override
        void close();
    }

    private static final int DEFAULT_WIDTH = 1280;
    private static final int DEFAULT_HEIGHT = 720;

    private final VideoSource source;
    private final StreamSettings settings;
    private final FramePool pool = new FramePool(256 * 1024);
    private final FrameHub jpegHub = new FrameHub();
    private final ReasonScreen reasons = new ReasonScreen();
    private final JpegEncoder jpeg;
    private final RateMeter framesIn = new RateMeter();
    private final RateMeter jpegOut = new RateMeter();
    private final Object lock = new Object();
    private final Thread capture;
    private final ScheduledExecutorService watchdog;
    private final long minIntervalNanos;
    private final H264Channel h264;

    private int mjpegViewers;
    private long idleSince;
    private volatile boolean closed;
    private volatile boolean sourceOpen;
    private volatile SourceState state = SourceState.IDLE;
    private volatile String detail = "";
    private volatile int width;
    private volatile int height;
    private volatile PixelFormat inputFormat;
    private volatile long lastPublishNanos;
    private long lastAcceptedNanos;
    private long lastJpegNanos;
    private byte[] forwardBuffer = new byte[0];

    public VideoStream(VideoSource source, StreamSettings settings, H264Channel h264) {
        this.source = source;
        this.settings = settings;
        this.h264 = h264;
        this.idleSince = System.nanoTime() - settings.linger().toNanos() - 1; // idle from the start
        this.jpeg = new JpegEncoder(settings.quality(), settings.jpegThreads());
        // Accept a frame a little early so a source at exactly maxFps is not halved by jitter.
        this.minIntervalNanos = 1_000_000_000L / settings.maxFps() * 9 / 10;
        this.capture = new Thread(this::run, "video-capture");
        this.capture.setDaemon(true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "video-watchdog");
            t.setDaemon(true);
            return t;
        });
        if (h264 != null) {
            h264.attach(this::wake);
        }
        capture.start();
        watchdog.execute(() -> {
            try {
                reasons.warmUp();
            } catch (RuntimeException | Error e) {
                Logger.warn(e, "Reason screens cannot be drawn");
            }
        });
        long stallMs = settings.stall().toMillis();
        watchdog.scheduleWithFixedDelay(this::checkStall, stallMs, Math.max(100, stallMs / 4), TimeUnit.MILLISECONDS);
    }

    public VideoStream(VideoSource source, StreamSettings settings) {
        this(source, settings, null);
    }

    /** Starts (or keeps) capture running for an MJPEG viewer. */
    public Viewer watch() {
        synchronized (lock) {
            mjpegViewers++;
            lock.notifyAll();
        }
        return new Viewer() {
            private boolean left;

            @Override
            public void close() {
                synchronized (lock) {
                    if (!left) {
                        left = true;
                        mjpegViewers--;
                        if (viewers() == 0) {
                            idleSince = System.nanoTime();
                        }
                    }
                }
            }
        };
    }

    /** The newest JPEG, shared by every MJPEG viewer and snapshots. */
    public FrameHub jpeg() {
        return jpegHub;
    }

    public StreamStatus status() {
        int w = width == 0 ? DEFAULT_WIDTH : width;
        int h = height == 0 ? DEFAULT_HEIGHT : height;
        int clients;
        synchronized (lock) {
            clients = mjpegViewers;
        }
        boolean passthrough = inputFormat == PixelFormat.MJPEG;
        return new StreamStatus(source.kind(), state.name(), state.reason(), detail, w, h,
                inputFormat == null ? null : inputFormat.ffmpegName(), round(framesIn.sumRate()), round(jpegOut.rate()),
                clients, h264 == null ? 0 : h264.clients(),
                passthrough ? "passthrough" : "mjpeg q" + settings.quality(), (long) (jpegOut.sumRate() * 8),
                h264 == null ? null : h264.encoderName(), h264 == null ? 0 : round(h264.fps()),
                h264 == null ? 0 : h264.bitrate(), pool.created(), h264 == null ? 0 : h264.buffersCreated(),
                h264 == null ? 0 : h264MaxFps(h264.maxFps()));
    }

    private double h264MaxFps(double encoderCap) {
        double cap = settings.maxFps();
        return round(encoderCap > 0 ? Math.min(cap, encoderCap) : cap);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private int viewers() {
        return mjpegViewers + (h264 == null ? 0 : h264.clients());
    }

    /** Someone watches, or the last one left less than the linger period ago. */
    private boolean wanted() {
        synchronized (lock) {
            return viewers() > 0 || System.nanoTime() - idleSince < settings.linger().toNanos();
        }
    }

    private void run() {
        while (!closed) {
            try {
                if (!wanted()) {
                    goIdle();
                    continue;
                }
                if (!sourceOpen) {
                    source.open();
                    sourceOpen = true;
                    lastPublishNanos = System.nanoTime();
                }
                RawFrame frame = source.grab();
                framesIn.mark(1 + source.skipped());
                deliver(frame);
            } catch (SourceException e) {
                failed(e.state(), e.getMessage());
            } catch (RuntimeException e) {
                Logger.warn(e, "Video capture failed");
                failed(SourceState.ERROR, String.valueOf(e.getMessage()));
            }
        }
        closeSource();
    }

    private void deliver(RawFrame frame) {
        if (frame.width() != width || frame.height() != height || frame.format() != inputFormat) {
            Logger.info("Video: {} {}x{} from {}", frame.format(), frame.width(), frame.height(), source.kind());
        }
        width = frame.width();
        height = frame.height();
        inputFormat = frame.format();
        if (state != SourceState.STREAMING) {
            state = SourceState.STREAMING;
            detail = "";
        }
        long now = System.nanoTime();
        if (now - lastAcceptedNanos < minIntervalNanos) {
            lastPublishNanos = now; // the source is alive; this frame is over the fps limit
            return;
        }
        lastAcceptedNanos = now;
        if (h264 != null && h264.clients() > 0) {
            h264.offer(frame);
        }
        if (mjpegViewersNow() == 0 && now - lastJpegNanos < 1_000_000_000L) {
            lastPublishNanos = now; // only H.264 viewers: one JPEG a second keeps snapshots and status fresh
            return;
        }
        lastJpegNanos = now;
        EncodedFrame out = pool.take();
        try {
            if (frame.format() == PixelFormat.MJPEG) {
                forward(frame, out);
            } else {
                int size = jpeg.encode(frame);
                jpeg.copyTo(out.buffer(size));
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        out.describe(frame.width(), frame.height(), frame.captureNanos(), true, SourceState.STREAMING);
        publish(out);
    }

    private int mjpegViewersNow() {
        synchronized (lock) {
            return mjpegViewers;
        }
    }

    /** A device JPEG goes out as it came, plus the standard Huffman tables if it lacks them. */
    private void forward(RawFrame frame, EncodedFrame out) {
        int length = frame.data().remaining();
        if (forwardBuffer.length < length) {
            forwardBuffer = new byte[length + length / 2];
        }
        frame.data().duplicate().get(forwardBuffer, 0, length);
        JpegHuffman.copyWithTables(forwardBuffer, length, out.buffer(JpegHuffman.outputLength(forwardBuffer, length)));
    }

    private void publish(EncodedFrame out) {
        lastPublishNanos = System.nanoTime();
        jpegOut.mark(out.length());
        jpegHub.publish(out);
    }

    private void failed(SourceState why, String what) {
        if (closed) {
            return;
        }
        if (state != why || !what.equals(detail)) {
            Logger.info("Video {}: {}", why, what);
        }
        state = why;
        detail = what;
        closeSource();
        showReason();
        if (why != SourceState.RESOLUTION_CHANGE) { // a new resolution is there already: reopen at once
            pause(settings.retry().toNanos());
        }
    }

    private void showReason() {
        int w = width == 0 ? DEFAULT_WIDTH : width;
        int h = height == 0 ? DEFAULT_HEIGHT : height;
        EncodedFrame f = reasons.render(pool, state, detail, w, h);
        lastPublishNanos = System.nanoTime();
        jpegHub.publish(f);
        if (h264 != null && h264.clients() > 0) {
            h264.offer(reasons.lastPicture());
        }
    }

    /** Runs on the watchdog: a source that blocks without frames gets a reason screen all the same. */
    private void checkStall() {
        try {
            if (!sourceOpen || closed || state != SourceState.STREAMING && state != SourceState.NO_SIGNAL) {
                return;
            }
            if (System.nanoTime() - lastPublishNanos > settings.stall().toNanos()) {
                state = SourceState.NO_SIGNAL;
                detail = "no frames from " + source.kind() + " for " + settings.stall().toMillis() + " ms";
                showReason();
            }
        } catch (RuntimeException e) {
            Logger.warn(e, "Video watchdog failed");
        }
    }

    private void goIdle() {
        if (sourceOpen) {
            Logger.info("Video: nobody watching, closing {}", source.kind());
        }
        closeSource();
        state = SourceState.IDLE;
        detail = "";
        jpegHub.clear();
        synchronized (lock) {
            while (!closed && !wantedLocked()) {
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean wantedLocked() {
        return viewers() > 0 || System.nanoTime() - idleSince < settings.linger().toNanos();
    }

    private void pause(long nanos) {
        long until = System.nanoTime() + nanos;
        synchronized (lock) {
            long left;
            while (!closed && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void closeSource() {
        if (sourceOpen) {
            sourceOpen = false;
            try {
                source.close();
            } catch (RuntimeException e) {
                Logger.warn(e, "Closing {} failed", source.kind());
            }
        }
    }

    /** The appliance is shutting down: viewers should leave. */
    public boolean closed() {
        return closed;
    }

    /** Buffers the pool ever created: flat while the stream runs. */
    public int buffersCreated() {
        return pool.created();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        watchdog.shutdownNow();
        capture.interrupt();
        try {
            capture.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jpegHub.clear();
        if (!capture.isAlive()) {
            jpeg.close();
            reasons.close();
        }
        if (h264 != null) {
            h264.close();
        }
    }
}
