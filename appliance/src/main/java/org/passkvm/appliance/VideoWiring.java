package org.passkvm.appliance;

import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.video.VideoSource;
import org.passkvm.video.encode.H264Encoder;
import org.passkvm.video.stream.H264Stream;
import org.passkvm.video.v4l2.V4l2Settings;
import org.passkvm.video.v4l2.V4l2Source;
import org.passkvm.web.video.H264Socket;
import org.passkvm.video.stream.StreamSettings;
import org.passkvm.video.stream.StreamStatus;
import org.passkvm.video.stream.VideoStream;
import org.passkvm.web.Health;
import org.passkvm.web.video.VideoRoutes;
import org.tinylog.Logger;

/** Picks the video source (a V4L2 capture device or the simulated target's screen) and registers the video API. */
final class VideoWiring {

    enum Source { AUTO, V4L2, DEMO }

    static final java.util.List<String> INPUT_FORMATS = java.util.List.of("auto", "mjpeg", "yuyv422", "uyvy422", "nv12", "yuv420p");

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
        V4l2Settings v4l2 = new V4l2Settings(
                video.string("device", "auto"),
                video.integer("input", -1, -1, 63),
                video.string("input_format", "auto"),
                video.integer("width", 0, 0, 7680),
                video.integer("height", 0, 0, 4320),
                video.integer("fps", 0, 0, 240));
        if (!INPUT_FORMATS.contains(v4l2.inputFormat())) {
            throw video.bad("input_format", "must be one of " + String.join(", ", INPUT_FORMATS) + ", got '" + v4l2.inputFormat() + "'");
        }
        if (choice == Source.AUTO) {
            // A configured device means the user expects it, even while it is unplugged: show NO CAPTURE DEVICE.
            choice = !"auto".equals(v4l2.device()) || V4l2Source.anyCaptureDevice() ? Source.V4L2 : Source.DEMO;
        }
        VideoSource source = switch (choice) {
            case V4L2 -> new V4l2Source(v4l2);
            default -> parts.simulator().screen();
        };
        Logger.info("Video source: {}", source.kind());
        Config h264 = video.section("h264");
        String encoder = h264.string("encoder", "auto");
        if (!"auto".equals(encoder) && !"off".equals(encoder) && !H264Encoder.AUTO.contains(encoder)) {
            throw h264.bad("encoder", "must be auto, off, " + String.join(", ", H264Encoder.AUTO) + "; got '" + encoder + "'");
        }
        H264Stream h264Stream = "off".equals(encoder) ? null : new H264Stream(new H264Encoder(encoder,
                h264.integer("bitrate_kbps", 4000, 100, 100_000),
                h264.integer("gop", 120, 1, 10_000),
                h264.integer("threads", 0, 0, 16)),
                h264.integer("queue_frames", 8, 2, 120));
        VideoStream stream = parts.own(new VideoStream(source, settings, h264Stream));
        new VideoRoutes(stream, h264Stream == null ? null : new H264Socket(h264Stream)).register(parts.web().api());
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
