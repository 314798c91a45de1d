package org.passkvm.web.video;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.passkvm.video.stream.EncodedFrame;
import org.passkvm.video.stream.VideoStream;
import org.passkvm.web.Api;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;
import org.passkvm.web.WebModule;
import org.passkvm.web.auth.Revocations;

/**
 * The MJPEG stream, snapshots and stream status. Each MJPEG client writes on its own request
 * thread: it takes the newest frame, writes it, and only once the socket took it asks for the
 * next one, so a slow client skips frames and never makes the stream queue.
 */
public final class VideoRoutes implements WebModule {

    private static final long SNAPSHOT_WAIT_SECONDS = 5;

    private final VideoStream stream;
    private final H264Socket h264;

    public VideoRoutes(VideoStream stream, H264Socket h264) {
        this.stream = stream;
        this.h264 = h264;
    }

    @Override
    public void register(Api api) {
        api.get("/api/video", Role.VIEWER, ctx -> ctx.json(stream.status()));
        api.stream("/api/video/stream.mjpeg", Role.VIEWER, this::mjpeg);
        api.get("/api/video/snapshot.jpg", Role.VIEWER, this::snapshot);
        if (h264 != null) {
            api.ws("/api/video/h264", Role.VIEWER, h264::configure);
        }
    }

    private void mjpeg(Context ctx, Revocations.Lease lease) {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("multipart/x-mixed-replace;boundary=" + MjpegWriter.BOUNDARY);
        res.setHeader("X-Accel-Buffering", "no");
        try (VideoStream.Viewer viewer = stream.watch()) {
            MjpegWriter writer = new MjpegWriter(res.getOutputStream());
            writer.open();
            long seen = 0;
            while (!stream.closed() && lease.isOpen()) {
                EncodedFrame frame = stream.jpeg().awaitNewer(seen, 2, TimeUnit.SECONDS);
                if (frame == null) {
                    continue;
                }
                try {
                    seen = frame.sequence();
                    writer.write(frame);
                } finally {
                    frame.release();
                }
            }
        } catch (IOException gone) {
            // The client closed the connection: its viewer is released above.
        } catch (InterruptedException revoked) {
            // The caller's access was revoked (or the server stops): Api.stream aborted the connection.
        }
    }

    private void snapshot(Context ctx) throws InterruptedException {
        EncodedFrame frame;
        try (VideoStream.Viewer viewer = stream.watch()) {
            frame = stream.jpeg().latest();
            if (frame == null) {
                frame = stream.jpeg().awaitNewer(0, SNAPSHOT_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
        if (frame == null) {
            throw Refusal.unavailable("no picture within " + SNAPSHOT_WAIT_SECONDS + " s: " + stream.status().detail());
        }
        try {
            ctx.header("X-PassKVM-State", frame.state().name());
            ctx.contentType("image/jpeg");
            ctx.result(Arrays.copyOf(frame.data(), frame.length()));
        } finally {
            frame.release();
        }
    }
}
