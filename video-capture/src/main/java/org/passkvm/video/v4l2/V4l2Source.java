package org.passkvm.video.v4l2;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_move_ref;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avutil.*;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;
import org.passkvm.video.VideoSource;
import org.tinylog.Logger;

/**
 * A V4L2 capture device through FFmpeg's video4linux2 input. Packets are taken as the device
 * filled them ({@code grabPacket}, never decoded): JPEGs from a USB dongle go out untouched, raw
 * YUV goes to the encoder in its own layout. Next to FFmpeg it watches the HDMI receiver's DV
 * timings, so a lost signal or a new resolution ends the capture with the right reason.
 */
public final class V4l2Source implements VideoSource {

    /** What PassKVM asks for when the format is "auto", best first; MJPEG needs no encoding at all. */
    private static final Map<String, String> FOURCC_TO_FFMPEG = new java.util.LinkedHashMap<>();

    static {
        FOURCC_TO_FFMPEG.put("MJPG", "mjpeg");
        FOURCC_TO_FFMPEG.put("JPEG", "mjpeg");
        FOURCC_TO_FFMPEG.put("YUYV", "yuyv422");
        FOURCC_TO_FFMPEG.put("UYVY", "uyvy422");
        FOURCC_TO_FFMPEG.put("NV12", "nv12");
        FOURCC_TO_FFMPEG.put("YU12", "yuv420p");
    }

    private static final long TIMINGS_CHECK_NANOS = 250_000_000L;
    private static final long NO_FRAMES_NANOS = 2_000_000_000L;
    private static final int AVERROR_EAGAIN = -11;

    private final V4l2Settings settings;
    private V4l2Device control;
    private FFmpegFrameGrabber grabber;
    private boolean watchTimings;
    private int width;
    private int height;
    private int stride;
    private PixelFormat format;
    private long nextTimingsCheck;
    private final AVPacket packet = av_packet_alloc();
    private final AVPacket newer = av_packet_alloc();
    private int skipped;
    private final com.sun.jna.Memory pollfd = new com.sun.jna.Memory(8);
    private boolean packetHeld;
    private int captureFd = -1;
    private String description = "v4l2";

    public V4l2Source(V4l2Settings settings) {
        this.settings = settings;
    }

    @Override
    public String kind() {
        return "v4l2";
    }

    /** The device path and card, once opened. */
    public String description() {
        return description;
    }

    @Override
    public void open() throws SourceException {
        String path = resolveDevice();
        try {
            control = V4l2Device.open(path);
        } catch (LastErrorException e) {
            throw new SourceException(e.getErrorCode() == V4l2Device.ENOENT || e.getErrorCode() == V4l2Device.ENODEV
                    ? SourceState.NO_DEVICE : SourceState.ERROR, path + ": " + e.getMessage());
        }
        try {
            openOn(path);
        } catch (SourceException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void openOn(String path) throws SourceException {
        V4l2Device.Capabilities caps;
        try {
            caps = control.capabilities();
        } catch (LastErrorException e) {
            throw new SourceException(SourceState.NO_DEVICE, path + " is not a V4L2 device: " + e.getMessage());
        }
        if (!caps.capture()) {
            throw new SourceException(SourceState.NO_DEVICE, path + " (" + caps.card() + ") does not capture video");
        }
        description = path + " (" + caps.driver() + ", " + caps.card() + ")";
        if (settings.input() >= 0) {
            try {
                control.selectInput(settings.input());
            } catch (LastErrorException e) {
                throw new SourceException(SourceState.ERROR, path + " has no input " + settings.input() + ": " + e.getMessage());
            }
        }
        int wantWidth = settings.width();
        int wantHeight = settings.height();
        V4l2Device.Timings t = control.queryTimings();
        watchTimings = t.supported();
        if (watchTimings) {
            if (!t.signal()) {
                throw new SourceException(SourceState.NO_SIGNAL, description + ": " + t.problem());
            }
            try {
                control.applyQueriedTimings(); // the capture size follows the source, as the chip reports it
            } catch (LastErrorException e) {
                Logger.debug("S_DV_TIMINGS on {}: {}", path, e.getMessage());
            }
            if (wantWidth == 0) {
                wantWidth = t.width();
                wantHeight = t.height();
            }
        }
        String inputFormat = chooseFormat(path);
        FFmpegLogCallback.setLevel(AV_LOG_ERROR);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(path);
        g.setFormat("video4linux2");
        // RAW: otherwise JavaCV asks the device for pixel_format=bgr24, overriding input_format (same field in FFmpeg).
        g.setImageMode(org.bytedeco.javacv.FrameGrabber.ImageMode.RAW);
        if (inputFormat != null) {
            g.setOption("input_format", inputFormat);
        }
        if (wantWidth > 0 && wantHeight > 0) {
            g.setOption("video_size", wantWidth + "x" + wantHeight);
        }
        if (settings.fps() > 0) {
            g.setOption("framerate", Integer.toString(settings.fps()));
        }
        // "default" keeps the driver's CLOCK_MONOTONIC stamps (the clock System.nanoTime reads); "abs" would
        // rebase monotonic stamps onto wall-clock time.
        g.setOption("ts", "default");
        g.setOption("probesize", "32");
        g.setOption("analyzeduration", "0");
        try {
            g.start(false); // the device states its format; probing would only cost frames
        } catch (FFmpegFrameGrabber.Exception e) {
            releaseQuietly(g);
            throw new SourceException(SourceState.ERROR, path + ": " + e.getMessage());
        }
        grabber = g;
        width = g.getImageWidth();
        height = g.getImageHeight();
        format = g.getVideoCodec() == AV_CODEC_ID_MJPEG ? PixelFormat.MJPEG : pixelFormat(g.getPixelFormat());
        if (format == null) {
            throw new SourceException(SourceState.ERROR, path + " delivers " + av_get_pix_fmt_name(g.getPixelFormat()).getString()
                    + ", which PassKVM does not encode; set video.input_format to mjpeg, yuyv422, uyvy422 or nv12");
        }
        stride = format == PixelFormat.MJPEG ? 0 : av_image_get_linesize(g.getPixelFormat(), width, 0);
        nextTimingsCheck = System.nanoTime() + TIMINGS_CHECK_NANOS;
        captureFd = findCaptureDescriptor(path);
        Logger.info("V4L2: {} {} {}x{}", description, format, width, height);
    }

    private String chooseFormat(String path) {
        if (!"auto".equals(settings.inputFormat())) {
            return settings.inputFormat();
        }
        List<String> offered = control.formats();
        for (Map.Entry<String, String> e : FOURCC_TO_FFMPEG.entrySet()) {
            if (offered.contains(e.getKey())) {
                return e.getValue();
            }
        }
        Logger.warn("{} offers {}: none PassKVM prefers, taking the driver's default", path, offered);
        return null;
    }

    private String resolveDevice() throws SourceException {
        if (!"auto".equals(settings.device())) {
            if (!Files.exists(Path.of(settings.device()))) {
                throw new SourceException(SourceState.NO_DEVICE, settings.device() + " does not exist");
            }
            return settings.device();
        }
        for (String candidate : candidates()) {
            try (V4l2Device d = V4l2Device.open(candidate)) {
                if (d.capabilities().capture()) {
                    return candidate;
                }
            } catch (LastErrorException e) {
                // busy, gone or not V4L2: try the next one
            }
        }
        throw new SourceException(SourceState.NO_DEVICE, "no V4L2 capture device (/dev/video*)");
    }

    /** /dev/video0, /dev/video1, … in numeric order. */
    public static List<String> candidates() {
        try (Stream<Path> nodes = Files.list(Path.of("/dev"))) {
            return nodes.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("video\\d+"))
                    .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(5))))
                    .map(n -> "/dev/" + n)
                    .toList();
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    /** Whether "auto" would find a capture device now. */
    public static boolean anyCaptureDevice() {
        for (String candidate : candidates()) {
            try (V4l2Device d = V4l2Device.open(candidate)) {
                if (d.capabilities().capture()) {
                    return true;
                }
            } catch (LastErrorException | UnsatisfiedLinkError e) {
                // not one
            }
        }
        return false;
    }

    /**
     * FFmpeg's own descriptor for the device, switched to non-blocking. A receiver without signal
     * (vivid, most HDMI chips) simply stops filling buffers, and a blocking dequeue would hold the
     * capture thread until the signal came back; non-blocking, the thread waits in poll() and
     * keeps checking the DV timings, so it can report the loss and be stopped.
     */
    private int findCaptureDescriptor(String path) {
        Path devicePath = Path.of(path);
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                int n;
                try {
                    n = Integer.parseInt(fd.getFileName().toString());
                    if (n == control.fd() || !Files.readSymbolicLink(fd).equals(devicePath.toRealPath())) {
                        continue;
                    }
                } catch (IOException | NumberFormatException e) {
                    continue;
                }
                if (V4l2Device.makeNonBlocking(n)) {
                    return n;
                }
            }
        } catch (IOException e) {
            Logger.debug(e, "listing /proc/self/fd");
        }
        Logger.warn("{}: FFmpeg's descriptor not found; capture blocks while the source has no signal", path);
        return -1;
    }

    @Override
    public RawFrame grab() throws SourceException {
        if (grabber == null) {
            throw new SourceException(SourceState.ERROR, "not open");
        }
        long now = System.nanoTime();
        if (watchTimings && now >= nextTimingsCheck) {
            nextTimingsCheck = now + TIMINGS_CHECK_NANOS;
            checkTimings();
        }
        if (packetHeld) {
            av_packet_unref(packet); // hands the buffer back to the driver
            packetHeld = false;
        }
        long waitingSince = now;
        while (true) {
            int ret = av_read_frame(grabber.getFormatContext(), packet);
            if (ret >= 0) {
                packetHeld = true;
                skipNewerWaiting();
                if (packet.size() > 0) {
                    ByteBuffer data = packet.data().capacity(packet.size()).asByteBuffer();
                    return new RawFrame(format, width, height, stride, data, captureNanos(packet.pts()));
                }
                // FFmpeg hands over a buffer the driver marked bad (USB dongles do now and then) as an
                // empty packet: wait for the next one rather than reopen the device over it.
                av_packet_unref(packet);
                packetHeld = false;
                if (captureFd < 0) {
                    continue;
                }
            } else if (ret == AVERROR_INVALIDDATA()) {
                // a buffer of the wrong size, already handed back: the same, unless it goes on (stall timeout)
                if (captureFd < 0) {
                    continue;
                }
            } else if (ret != AVERROR_EAGAIN || captureFd < 0) {
                throw lost(errorText(ret));
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new SourceException(SourceState.IDLE, "interrupted");
            }
            long t = System.nanoTime();
            if (watchTimings && t >= nextTimingsCheck) {
                nextTimingsCheck = t + TIMINGS_CHECK_NANOS;
                checkTimings();
            }
            if (t - waitingSince > NO_FRAMES_NANOS) {
                throw new SourceException(SourceState.NO_SIGNAL, description + ": no frames for "
                        + NO_FRAMES_NANOS / 1_000_000 + " ms");
            }
            V4l2Device.awaitReadable(pollfd, captureFd, 100);
        }
    }

    /**
     * Moves on to the newest frame the driver has filled. FFmpeg queues up to 32 buffers, and the
     * driver fills them in order while the encoder is busy: taking the oldest would show the picture
     * as it was over a second ago whenever the source outpaces the encoder. As ustreamer does, the
     * frames in between are dropped (their buffers go straight back to the driver).
     */
    private void skipNewerWaiting() {
        skipped = 0;
        if (captureFd < 0) {
            return; // a blocking descriptor would wait for the next frame instead of answering "none"
        }
        while (av_read_frame(grabber.getFormatContext(), newer) >= 0) {
            if (newer.size() <= 0) { // a buffer the driver marked bad: keep the good frame we hold
                av_packet_unref(newer);
                continue;
            }
            av_packet_unref(packet);
            av_packet_move_ref(packet, newer);
            skipped++;
        }
    }

    @Override
    public int skipped() {
        return skipped;
    }

    private static String errorText(int ret) {
        byte[] buf = new byte[256];
        av_strerror(ret, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8) + " (" + ret + ")";
    }

    private void checkTimings() throws SourceException {
        V4l2Device.Timings t = control.queryTimings();
        if (!t.supported()) {
            return;
        }
        if (!t.signal()) {
            throw new SourceException(SourceState.NO_SIGNAL, description + ": " + t.problem());
        }
        if (t.width() != width || t.height() != height) {
            throw new SourceException(SourceState.RESOLUTION_CHANGE,
                    description + ": the source changed to " + t.width() + "x" + t.height() + " from " + width + "x" + height);
        }
    }

    /** A failing read: the device is gone (unplugged) or something else broke. */
    private SourceException lost(String message) {
        // After an unplug every ioctl on the old descriptor fails with ENODEV.
        boolean gone = control == null || !stillThere();
        return new SourceException(gone ? SourceState.NO_DEVICE : SourceState.ERROR, description + ": " + message);
    }

    private boolean stillThere() {
        try {
            control.capabilities();
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /**
     * The packet's timestamp is the driver's capture time on CLOCK_MONOTONIC in microseconds
     * (ts=default passes the driver's stamp through), the clock {@link System#nanoTime} reads on
     * Linux, so latency can be measured from the moment the device filled the buffer. Implausible
     * stamps (in the future, or over a minute old) fall back to "now".
     */
    private static long captureNanos(long ptsMicros) {
        long now = System.nanoTime();
        long stamp = ptsMicros * 1000;
        return stamp <= now && now - stamp < 60_000_000_000L ? stamp : now;
    }

    static PixelFormat pixelFormat(int avPixFmt) {
        if (avPixFmt == AV_PIX_FMT_YUYV422) {
            return PixelFormat.YUYV;
        } else if (avPixFmt == AV_PIX_FMT_UYVY422) {
            return PixelFormat.UYVY;
        } else if (avPixFmt == AV_PIX_FMT_NV12) {
            return PixelFormat.NV12;
        } else if (avPixFmt == AV_PIX_FMT_YUV420P || avPixFmt == AV_PIX_FMT_YUVJ420P) {
            return PixelFormat.YUV420P;
        } else if (avPixFmt == AV_PIX_FMT_BGR0) {
            return PixelFormat.BGR0;
        }
        return null;
    }

    private static void releaseQuietly(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (Exception e) {
            Logger.debug(e, "releasing the grabber");
        }
    }

    @Override
    public void close() {
        if (packetHeld) {
            av_packet_unref(packet);
            packetHeld = false;
        }
        captureFd = -1;
        if (grabber != null) {
            releaseQuietly(grabber);
            grabber = null;
        }
        if (control != null) {
            control.close();
            control = null;
        }
    }
}
