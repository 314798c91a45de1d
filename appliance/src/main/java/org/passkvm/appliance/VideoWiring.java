package org.passkvm.appliance;

import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.video.VideoSource;
import org.passkvm.video.stream.StreamSettings;
import org.passkvm.video.stream.StreamStatus;
import org.passkvm.video.stream.VideoStream;
import org.passkvm.web.Health;
import org.passkvm.web.video.VideoRoutes;
import org.tinylog.Logger;

/** Picks the video source (a V4L2 capture device or the simulated target's screen) and registers the video API. */
final class VideoWiring {

    enum Source { AUTO, V4L2, DEMO }

    private VideoWiring() {}

    static void wire(Parts parts) throws java.io.IOException {
        Config video = parts.config().section("video");
        Source choice = video.choice("source", Source.AUTO);
        StreamSettings settings = new StreamSettings(
                video.integer("quality", 80, 1, 100),
                video.integer("max_fps", 60, 1, 240),
                video.millis("linger_ms", 5000, 0, 3_600_000),
                video.integer("jpeg_threads", 1, 1, 16),
                video.millis("retry_ms", 1000, 100, 60_000),
                video.millis("stall_ms", 1000, 200, 60_000));
        if (choice == Source.AUTO) {
            choice = Source.DEMO;
        }
        VideoSource source = switch (choice) {
            case V4L2 -> throw video.bad("source", "v4l2 is not built yet");
            default -> parts.simulator().screen();
        };
        Logger.info("Video source: {}", source.kind());
        VideoStream stream = parts.own(new VideoStream(source, settings));
        new VideoRoutes(stream, null).register(parts.web().api());
        parts.web().health().add("video", () -> {
            StreamStatus s = stream.status();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", s.reason());
            details.put("width", s.width());
            details.put("height", s.height());
            details.put("clients", s.mjpegClients() + s.h264Clients());
            return new Health.Capability(s.source(), s.state().toLowerCase(), details);
        });
    }
}
