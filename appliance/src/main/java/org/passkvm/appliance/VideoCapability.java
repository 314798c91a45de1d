package org.passkvm.appliance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.video.VideoSource;
import org.passkvm.video.encode.H264Encoder;
import org.passkvm.video.stream.H264Stream;
import org.passkvm.video.stream.StreamSettings;
import org.passkvm.video.stream.StreamStatus;
import org.passkvm.video.stream.VideoStream;
import org.passkvm.video.v4l2.V4l2Settings;
import org.passkvm.video.v4l2.V4l2Source;
import org.passkvm.vmdisplay.SourceSwitch;
import org.passkvm.web.Health;
import org.passkvm.web.video.H264Socket;
import org.passkvm.web.video.VideoRoutes;

/** Picks the video source (a V4L2 capture device or the simulated target's screen) and registers the video API. */
final class VideoCapability extends Capability {

    enum Source { AUTO, V4L2, DEMO, OFF }

    static final java.util.List<String> INPUT_FORMATS = java.util.List.of("auto", "mjpeg", "yuyv422", "uyvy422", "nv12", "yuv420p");

    static final Setting<Source> SOURCE = Setting.choice("source", Source.AUTO, "auto: v4l2 when a /dev/video* capture device exists");
    static final Setting<String> DEVICE = Setting.text("device", "auto", "/dev/videoN, or auto");
    static final Setting<Integer> INPUT = Setting.integer("input", -1, -1, 63, "V4L2 input index (vivid's HDMI is 3); -1 = leave as is");
    static final Setting<String> INPUT_FORMAT = Setting.text("input_format", "auto", "auto | mjpeg | yuyv422 | uyvy422 | nv12 | yuv420p")
            .check(f -> INPUT_FORMATS.contains(f) ? null : "must be one of " + String.join(", ", INPUT_FORMATS) + ", got '" + f + "'");
    static final Setting<Integer> WIDTH = Setting.integer("width", 0, 0, 7680, "0 = what the device offers / the source's DV timings");
    static final Setting<Integer> HEIGHT = Setting.integer("height", 0, 0, 4320, "");
    static final Setting<Integer> FPS = Setting.integer("fps", 0, 0, 240, "");
    static final Setting<Integer> QUALITY = Setting.integer("quality", 80, 1, 100,
            "JPEG quality for raw sources (MJPEG sources are passed through untouched)");
    static final Setting<Integer> MAX_FPS = Setting.integer("max_fps", 60, 1, 240, "");
    static final Setting<Duration> LINGER = Setting.millis("linger_ms", 5000, 0, 3_600_000, "keep capturing this long after the last viewer left");
    static final Setting<Integer> JPEG_THREADS = Setting.integer("jpeg_threads", 1, 1, 16, "");
    static final Setting<Duration> RETRY = Setting.millis("retry_ms", 1000, 100, 60_000, "reason screen + retry interval while the source fails");
    static final Setting<Duration> STALL = Setting.millis("stall_ms", 1000, 200, 60_000, "no frame for this long = signal lost");
    static final Setting<String> ENCODER = Setting.text("encoder", "auto", "auto (h264_v4l2m2m → libx264 → libopenh264) | off | one of those")
            .check(e -> "auto".equals(e) || "off".equals(e) || H264Encoder.AUTO.contains(e) ? null
                    : "must be auto, off, " + String.join(", ", H264Encoder.AUTO) + "; got '" + e + "'");
    static final Setting<Integer> BITRATE = Setting.integer("bitrate_kbps", 4000, 100, 100_000, "");
    static final Setting<Integer> GOP = Setting.integer("gop", 120, 1, 10_000, "");
    static final Setting<Integer> THREADS = Setting.integer("threads", 0, 0, 16, "");
    static final Setting<Integer> QUEUE = Setting.integer("queue_frames", 8, 2, 120,
            "per-client queue; on overflow it is wiped and a keyframe requested");

    static final Section SETTINGS = Section.of("video", SOURCE, DEVICE, INPUT, INPUT_FORMAT, WIDTH, HEIGHT, FPS, QUALITY,
            MAX_FPS, LINGER, JPEG_THREADS, RETRY, STALL)
            .with(Section.of("h264", ENCODER, BITRATE, GOP, THREADS, QUEUE));

    VideoCapability() {
        super("video", SETTINGS);
    }

    @Override
    String choose(Values video, Choices chosen) {
        Source choice = video.get(SOURCE);
        if (choice == Source.AUTO) {
            // A configured device means the user expects it, even while it is unplugged: show NO CAPTURE DEVICE.
            choice = !"auto".equals(video.get(DEVICE)) || V4l2Source.anyCaptureDevice() ? Source.V4L2 : Source.DEMO;
        }
        return partName(choice);
    }

    @Override
    Supplier<Health.Capability> start(String part, Values video, Parts parts, Choices chosen) throws java.io.IOException {
        if (part.equals("off")) {
            return OffRoutes.register(parts.web().api(), "video", "video is off (video.source: off)", "/api/video");
        }
        StreamSettings settings = new StreamSettings(video.get(QUALITY), video.get(MAX_FPS), video.get(LINGER),
                video.get(JPEG_THREADS), video.get(RETRY), video.get(STALL));
        V4l2Settings v4l2 = new V4l2Settings(video.get(DEVICE), video.get(INPUT), video.get(INPUT_FORMAT),
                video.get(WIDTH), video.get(HEIGHT), video.get(FPS));
        VideoSource capture = part.equals("v4l2") ? new V4l2Source(v4l2) : parts.simulator().screen();
        // The console can show a VM's virtual display instead; the VM capability wires that in when it has a host.
        SourceSwitch source = new SourceSwitch(capture);
        parts.provide(SourceSwitch.class, source);
        Values h264 = video.section("h264");
        String encoder = h264.get(ENCODER);
        H264Stream h264Stream = "off".equals(encoder) ? null : new H264Stream(new H264Encoder(encoder,
                h264.get(BITRATE), h264.get(GOP), h264.get(THREADS)), h264.get(QUEUE));
        VideoStream stream = parts.own(new VideoStream(source, settings, h264Stream));
        parts.provide(VideoStream.class, stream);
        if (h264Stream != null) {
            parts.provide(H264Stream.class, h264Stream); // VNC's Open H.264 sends the same access units
        }
        new VideoRoutes(stream, h264Stream == null ? null : new H264Socket(h264Stream)).register(parts.web().api());
        return () -> {
            StreamStatus s = stream.status();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", s.reason());
            details.put("width", s.width());
            details.put("height", s.height());
            details.put("clients", s.mjpegClients() + s.h264Clients());
            return new Health.Capability(s.source(), s.state().toLowerCase(), details);
        };
    }
}
