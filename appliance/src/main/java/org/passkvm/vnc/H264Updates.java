package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.atomic.AtomicLong;
import org.passkvm.video.stream.EncodedFrame;
import org.passkvm.video.stream.H264Client;
import org.passkvm.video.stream.H264Stream;

/**
 * Open H.264 (encoding 50, noVNC's WebCodecs decoder) for one session: the access units PassKVM's H.264 stream
 * already encodes for the web console, one whole-screen rectangle per update request. Access units cannot be skipped
 * (each P-frame needs the ones before), so they wait in the stream's bounded per-client queue, which is wiped for a
 * fresh keyframe when a client falls too far behind; the session holds at most one. Event loop only, except
 * {@link #send}.
 */
final class H264Updates implements H264Client.Sink {

    /** Open H.264 rectangles written by every session, for tests and benchmarks. */
    static final AtomicLong RECTANGLES = new AtomicLong();

    private static final int RESET_CONTEXT = 1;

    private final H264Stream stream;
    private final ChannelHandlerContext ctx;
    private final Runnable arrived;
    private final H264Client client;
    private EncodedFrame waiting;
    private int width;
    private int height;
    private boolean closed;
    private boolean sliced;

    /** Subscribes at once; {@code arrived} runs on the event loop when an access unit is waiting. */
    H264Updates(H264Stream stream, ChannelHandlerContext ctx, Runnable arrived) {
        this.stream = stream;
        this.ctx = ctx;
        this.arrived = arrived;
        this.client = stream.subscribe(this);
    }

    @Override
    public void send(EncodedFrame frame, String codec, H264Client owner) {
        ctx.executor().execute(() -> {
            if (closed) {
                owner.sent(frame);
                return;
            }
            waiting = frame;
            arrived.run();
        });
    }

    boolean ready() {
        return waiting != null;
    }

    /**
     * Writes the waiting access unit as a FramebufferUpdate of one rectangle, or drops it (false) when it is not of the
     * client's size: a resolution change reaches the client as DesktopSize first, and the next keyframe follows.
     */
    boolean write(ByteBuf out, int clientWidth, int clientHeight) {
        EncodedFrame frame = waiting;
        waiting = null;
        try {
            if (slices(frame.data(), H264Stream.HEADER_BYTES, frame.length()) > 1) {
                // noVNC hands each slice to WebCodecs as a frame of its own: a picture of several slices (libx264's
                // sliced threads) shows as a green screen there. Such a stream is not offered (see sliced()).
                sliced = true;
                return false;
            }
            if (frame.width() != clientWidth || frame.height() != clientHeight) {
                stream.requestKeyframe();
                return false;
            }
            // A new size (or the first picture) starts a new decoder on the client, with this keyframe.
            boolean reset = frame.width() != width || frame.height() != height;
            width = frame.width();
            height = frame.height();
            int length = frame.length() - H264Stream.HEADER_BYTES;
            ServerMessages.updateHeader(out, 1);
            ServerMessages.rectHeader(out, 0, 0, width, height, ServerMessages.H264);
            out.writeInt(length).writeInt(reset ? RESET_CONTEXT : 0);
            out.writeBytes(frame.data(), H264Stream.HEADER_BYTES, length);
            RECTANGLES.incrementAndGet();
            return true;
        } finally {
            client.sent(frame); // copied: the stream may hand over the next one
        }
    }

    /** The stream cuts pictures into several slices, which noVNC cannot decode: the session falls back. */
    boolean sliced() {
        return sliced;
    }

    /** Coded slices (NAL types 1 and 5) in an Annex-B access unit. */
    static int slices(byte[] data, int from, int to) {
        int count = 0;
        for (int i = from; i + 3 < to; i++) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                int type = data[i + 3] & 0x1F;
                if (type == 1 || type == 5) {
                    count++;
                }
                i += 2;
            }
        }
        return count;
    }

    void close() {
        closed = true;
        stream.unsubscribe(client);
        if (waiting != null) {
            client.sent(waiting);
            waiting = null;
        }
    }
}
