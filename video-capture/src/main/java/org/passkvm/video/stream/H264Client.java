package org.passkvm.video.stream;

import java.util.ArrayDeque;

/**
 * One H.264 viewer's small queue. Every access unit must arrive in order (a P-frame needs the
 * ones before it), so a viewer cannot simply skip to the newest like an MJPEG one; when its queue
 * overflows it is wiped and the viewer waits for a keyframe, which is requested at once.
 */
public final class H264Client {

    /** Where queued access units go; implemented by the WebSocket side. */
    public interface Sink {
        /** Starts sending; calls {@link H264Client#sent} when the transport took it. Never blocks. */
        void send(EncodedFrame frame, String codec, H264Client client);
    }

    private final int capacity;
    private final Sink sink;
    private final ArrayDeque<EncodedFrame> queue;
    private final Runnable keyframeRequest;
    private boolean waitingForKey = true;
    private boolean inFlight;
    private boolean closed;
    private long dropped;
    private long sentFrames;
    private String codec;

    H264Client(int capacity, Sink sink, Runnable keyframeRequest) {
        this.capacity = capacity;
        this.sink = sink;
        this.queue = new ArrayDeque<>(capacity);
        this.keyframeRequest = keyframeRequest;
    }

    /** Called on the capture thread with each access unit; the client retains what it queues. */
    void offer(EncodedFrame au, String codecString) {
        EncodedFrame toSend = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (waitingForKey && !au.keyframe()) {
                return;
            }
            if (queue.size() >= capacity) {
                dropped += queue.size();
                clear();
                waitingForKey = true;
                keyframeRequest.run();
                if (!au.keyframe()) {
                    return;
                }
            }
            waitingForKey = false;
            queue.addLast(au.retain());
            codec = codecString;
            if (!inFlight) {
                inFlight = true;
                toSend = queue.pollFirst();
            }
        }
        if (toSend != null) {
            sink.send(toSend, codec, this);
        }
    }

    /** The transport finished with {@code frame} (sent or failed); the next one goes out. */
    public void sent(EncodedFrame frame) {
        frame.release();
        EncodedFrame next;
        String c;
        synchronized (this) {
            sentFrames++;
            next = closed ? null : queue.pollFirst();
            inFlight = next != null;
            c = codec;
        }
        if (next != null) {
            sink.send(next, c, this);
        }
    }

    /** Access units thrown away on overflow so far. */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized long sentFrames() {
        return sentFrames;
    }

    public synchronized int queued() {
        return queue.size();
    }

    synchronized void close() {
        closed = true;
        clear();
    }

    private void clear() {
        EncodedFrame f;
        while ((f = queue.pollFirst()) != null) {
            f.release();
        }
    }
}
