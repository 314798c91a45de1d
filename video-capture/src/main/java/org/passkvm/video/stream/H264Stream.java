package org.passkvm.video.stream;

import java.util.concurrent.CopyOnWriteArrayList;
import org.passkvm.video.RawFrame;
import org.passkvm.video.encode.H264Encoder;
import org.passkvm.video.encode.JpegDecoder;
import org.tinylog.Logger;

/**
 * The H.264 side of the stream: encodes only while some client is subscribed, and fans each
 * access unit out to the clients' bounded queues. A joining client gets a keyframe at once.
 */
public final class H264Stream implements H264Channel {

    /**
     * Each access unit's buffer starts with this header, so a WebSocket can send it as one
     * message without copying: byte 0 = 1 for a keyframe, bytes 1..8 = capture time in
     * microseconds (big-endian), then the Annex-B bytes.
     */
    public static final int HEADER_BYTES = 9;

    private final H264Encoder encoder;
    private JpegDecoder jpegDecoder;
    private final int queueCapacity;
    private final FramePool pool = new FramePool(128 * 1024);
    private final CopyOnWriteArrayList<H264Client> clients = new CopyOnWriteArrayList<>();
    private final RateMeter out = new RateMeter();
    private volatile boolean keyframeWanted;
    private volatile String encoderName;
    private volatile String failure;
    private Runnable wake = () -> { };
    private volatile double maxFps;
    private long lastEncodedNanos;

    /** @param queueCapacity access units a client may have waiting before its queue is wiped */
    public H264Stream(H264Encoder encoder, int queueCapacity) {
        this.encoder = encoder;
        this.queueCapacity = queueCapacity;
    }

    @Override
    public void attach(Runnable wake) {
        this.wake = wake;
    }

    public H264Client subscribe(H264Client.Sink sink) {
        H264Client c = new H264Client(queueCapacity, sink, this::requestKeyframe);
        clients.add(c);
        requestKeyframe();
        wake.run();
        return c;
    }

    public void unsubscribe(H264Client c) {
        if (clients.remove(c)) {
            c.close();
        }
    }

    public void requestKeyframe() {
        keyframeWanted = true;
    }

    @Override
    public int clients() {
        return clients.size();
    }

    @Override
    public synchronized void offer(RawFrame frame) {
        if (clients.isEmpty()) {
            return;
        }
        maxFps = encoder.maxFps(frame.width(), frame.height());
        long now = System.nanoTime();
        // A capped encoder (libx264 on arm64) skips frames evenly instead of falling behind; a keyframe never waits.
        if (maxFps > 0 && !keyframeWanted && now - lastEncodedNanos < (long) (1e9 / maxFps * 0.9)) {
            return;
        }
        lastEncodedNanos = now;
        if (keyframeWanted) {
            keyframeWanted = false;
            encoder.requestKeyframe();
        }
        int size;
        try {
            if (frame.format() == org.passkvm.video.PixelFormat.MJPEG) {
                if (jpegDecoder == null) {
                    jpegDecoder = new JpegDecoder(); // a USB dongle: H.264 viewers need the pixels
                }
                frame = jpegDecoder.decode(frame);
            }
            size = encoder.encode(frame);
            failure = null;
        } catch (RuntimeException e) {
            if (failure == null) {
                Logger.warn("H.264 encoding failed: {}", e.getMessage());
            }
            failure = e.getMessage();
            return;
        }
        encoderName = encoder.name();
        if (size == 0) {
            return;
        }
        EncodedFrame au = pool.take();
        byte[] data = au.buffer(HEADER_BYTES + size);
        int written = HEADER_BYTES + encoder.copyTo(data, HEADER_BYTES);
        au.buffer(written);
        data[0] = (byte) (encoder.keyframe() ? 1 : 0);
        long micros = frame.captureNanos() / 1000;
        for (int i = 8; i >= 1; i--) {
            data[i] = (byte) micros;
            micros >>>= 8;
        }
        au.describe(frame.width(), frame.height(), frame.captureNanos(), encoder.keyframe(), org.passkvm.video.SourceState.STREAMING);
        out.mark(written);
        String codec = encoder.codecString();
        for (H264Client c : clients) {
            c.offer(au, codec);
        }
        au.release();
    }

    @Override
    public String encoderName() {
        return encoderName != null ? encoderName : failure != null ? "failed: " + failure : null;
    }

    @Override
    public double fps() {
        return out.rate();
    }

    @Override
    public double maxFps() {
        return maxFps;
    }

    @Override
    public long bitrate() {
        return (long) (out.sumRate() * 8);
    }

    /** Buffers the pool ever created: bounded by the clients' queues, however slow they are. */
    @Override
    public int buffersCreated() {
        return pool.created();
    }

    @Override
    public synchronized void close() {
        clients.forEach(H264Client::close);
        clients.clear();
        encoder.close();
        if (jpegDecoder != null) {
            jpegDecoder.close();
        }
    }
}
