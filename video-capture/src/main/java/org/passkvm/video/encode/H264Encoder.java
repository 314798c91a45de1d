package org.passkvm.video.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.tinylog.Logger;

/**
 * H.264 for the console, one access unit per frame with no delay: no B-frames, the first encoder
 * that opens of h264_v4l2m2m (the Pi 4's hardware), libx264 (ultrafast, zerolatency) and
 * libopenh264. Output is Annex-B with SPS/PPS in front of every keyframe, so a decoder can
 * start at any keyframe. Frames go in as 4:2:0 (what every browser decodes), unpacked from the
 * capture format. One capture thread owns it.
 */
public final class H264Encoder implements AutoCloseable {

    /** Encoders tried for "auto", best first. */
    public static final List<String> AUTO = List.of("h264_v4l2m2m", "libx264", "libopenh264");

    /** Encoders that would not open here (no hardware): not probed again on every resolution change. */
    private final java.util.Set<String> unavailable = new java.util.HashSet<>();
    private final List<String> candidates;
    private final int bitrateKbps;
    private final int gop;
    private final int threads;

    private ConvertingCodec current;
    private String name;
    private int width;
    private int height;
    private long lastPts = -1;
    private long startNanos;
    private boolean keyRequested;
    private byte[] parameterSets = new byte[0];

    /**
     * @param encoder "auto" or one encoder name
     * @param gop frames between scheduled keyframes (clients joining get one at once anyway)
     * @param threads encoder threads, 0 = the encoder's choice
     */
    public H264Encoder(String encoder, int bitrateKbps, int gop, int threads) {
        this.candidates = "auto".equals(encoder) ? AUTO : List.of(encoder);
        this.bitrateKbps = bitrateKbps;
        this.gop = gop;
        this.threads = threads;
    }

    /**
     * Pixels a second libx264 is given at most on arm64: 1280×720 at 30 fps (27.6 Mpx/s), so 1080p gets 13 fps.
     * Basis, an estimate until 19.4 measures it on a Pi 4: here (x86_64) ultrafast/zerolatency encodes 1080p at
     * 200–220 fps on one core (BENCHMARKS.md, EncodeBench), ~430 Mpx/s; a 1.5 GHz Cortex-A72 core runs x264's NEON
     * paths roughly 8× slower (~50 Mpx/s) and the capture thread also unpacks and JPEG-encodes on it, so about half
     * a core is left for H.264. Above the cap a Pi 4 would drop frames unevenly and starve the JPEG side; below it
     * the picture stays smooth at a lower rate. Hardware encoders (h264_v4l2m2m) are not capped.
     */
    public static final long ARM64_X264_PIXELS_PER_SECOND = 1280L * 720 * 30;

    private static final boolean ARM64 = "aarch64".equals(System.getProperty("os.arch"));

    /**
     * Frames a second this encoder is allowed for a picture of this size: 0 = no cap. Only libx264 on arm64
     * (a CPU encoder on a slow core) is capped, see {@link #ARM64_X264_PIXELS_PER_SECOND}.
     */
    public double maxFps(int width, int height) {
        return maxFps(name, ARM64, width, height);
    }

    static double maxFps(String encoder, boolean arm64, int width, int height) {
        if (!arm64 || !"libx264".equals(encoder) || width <= 0 || height <= 0) {
            return 0;
        }
        return Math.min(60, Math.max(1, (double) ARM64_X264_PIXELS_PER_SECOND / ((long) width * height)));
    }

    /** Names of the H.264 encoders this FFmpeg build has, whether or not they can open here. */
    public static List<String> available() {
        List<String> out = new ArrayList<>();
        for (String n : AUTO) {
            if (avcodec_find_encoder_by_name(n) != null) {
                out.add(n);
            }
        }
        return out;
    }

    /** The next frame becomes an IDR frame (a client joined, or one had to drop frames). */
    public void requestKeyframe() {
        keyRequested = true;
    }

    /** The encoder in use, or null before the first frame. */
    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * Encodes a frame; returns the access unit's size (0 when the encoder held the frame back),
     * available through {@link #copyTo} and {@link #keyframe} until the next call.
     */
    public int encode(RawFrame in) {
        if (current == null || !current.takes(in)) {
            open(in);
        }
        AVFrame picture = current.convert(in);
        // Milliseconds since the encoder opened, strictly increasing: rate control follows real time.
        long pts = Math.max(lastPts + 1, (in.captureNanos() - startNanos) / 1_000_000);
        lastPts = pts;
        picture.pts(pts);
        picture.pict_type(keyRequested ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        keyRequested = false;
        if (!current.codec().encode(picture)) {
            return 0;
        }
        if (keyframe() && parameterSets.length == 0) {
            parameterSets = AnnexB.parameterSets(accessUnit());
        }
        return outputSize();
    }

    private int outputSize() {
        int size = current.codec().packet().size();
        return needsParameterSets() ? size + parameterSets.length : size;
    }

    private ByteBuffer accessUnit() {
        AVPacket packet = current.codec().packet();
        return packet.data().capacity(packet.size()).asByteBuffer();
    }

    /** A keyframe without SPS/PPS in front (an encoder that sends them once) gets the saved ones. */
    private boolean needsParameterSets() {
        return keyframe() && parameterSets.length > 0
                && !AnnexB.hasParameterSets(accessUnit());
    }

    public boolean keyframe() {
        return current != null && (current.codec().packet().flags() & AV_PKT_FLAG_KEY) != 0;
    }

    /** Copies the last access unit into {@code dst} from {@code offset}; returns the bytes written. */
    public int copyTo(byte[] dst, int offset) {
        int p = offset;
        if (needsParameterSets()) {
            System.arraycopy(parameterSets, 0, dst, p, parameterSets.length);
            p += parameterSets.length;
        }
        AVPacket packet = current.codec().packet();
        packet.data().get(dst, p, packet.size());
        return p + packet.size() - offset;
    }

    /** The WebCodecs codec string ("avc1.42C01F") from the stream's SPS, once a keyframe was encoded. */
    public String codecString() {
        return parameterSets.length == 0 ? null : AnnexB.codecString(parameterSets);
    }

    private void open(RawFrame in) {
        closeCodec();
        List<String> failures = new ArrayList<>();
        CodecContext codec = null;
        for (String candidate : candidates) {
            if (unavailable.contains(candidate) && candidates.size() > 1) {
                continue;
            }
            AVCodec found = avcodec_find_encoder_by_name(candidate);
            if (found == null) {
                failures.add(candidate + ": not in this FFmpeg build");
                continue;
            }
            try {
                codec = CodecContext.open(found, candidate, c -> configure(c, candidate, in));
                name = candidate;
                break;
            } catch (CodecContext.OpenFailed e) {
                failures.add(candidate + ": " + e.getMessage());
                if (candidate.endsWith("_v4l2m2m")) {
                    unavailable.add(candidate); // no such hardware: it will not appear later either
                }
            }
        }
        if (codec == null) {
            throw new IllegalStateException("no H.264 encoder opened for " + in.width() + "x" + in.height() + ": " + failures);
        }
        if (!failures.isEmpty()) {
            Logger.debug("H.264 encoders skipped: {}", failures);
        }
        width = in.width();
        height = in.height();
        startNanos = in.captureNanos();
        lastPts = -1;
        parameterSets = new byte[0];
        keyRequested = true;
        // Only the demo's RGB goes through a colour matrix we choose; tag it so browsers do not guess BT.709.
        current = new ConvertingCodec(in, codec, new PlanarConverter(AV_PIX_FMT_YUV420P, false));
        ByteBuffer extradata = codec.extradata();
        if (extradata != null) {
            parameterSets = AnnexB.parameterSets(extradata);
        }
        Logger.info("H.264 encoder: {} {}x{} {} kb/s, GOP {}", name, width, height, bitrateKbps, gop);
    }

    private void configure(AVCodecContext c, String candidate, RawFrame in) {
        c.width(in.width());
        c.height(in.height());
        c.pix_fmt(AV_PIX_FMT_YUV420P);
        c.time_base(av_make_q(1, 1000));
        c.framerate(av_make_q(30, 1));
        c.bit_rate(bitrateKbps * 1000L);
        c.rc_max_rate(bitrateKbps * 1000L);
        c.rc_buffer_size(bitrateKbps * 1000 / 2); // half a second: caps the size of a keyframe burst
        c.gop_size(gop);
        c.max_b_frames(0);
        c.flags(c.flags() | AV_CODEC_FLAG_LOW_DELAY);
        c.thread_count(threads);
        c.color_range(AVCOL_RANGE_MPEG);
        if (in.format() == PixelFormat.BGR0) {
            c.colorspace(AVCOL_SPC_SMPTE170M);
            c.color_primaries(AVCOL_PRI_SMPTE170M);
            c.color_trc(AVCOL_TRC_SMPTE170M);
        }
        switch (candidate) {
            case "libx264" -> {
                av_opt_set(c.priv_data(), "preset", "ultrafast", 0);
                av_opt_set(c.priv_data(), "tune", "zerolatency", 0);
                av_opt_set(c.priv_data(), "forced-idr", "1", 0);
                av_opt_set(c.priv_data(), "profile", "baseline", 0);
            }
            case "libopenh264" -> av_opt_set(c.priv_data(), "allow_skip_frames", "0", 0);
            default -> { }
        }
    }

    private void closeCodec() {
        if (current != null) {
            current.close();
            current = null;
        }
        name = null;
    }

    @Override
    public void close() {
        closeCodec();
    }
}
