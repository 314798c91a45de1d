package org.passkvm.video.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

/**
 * FFmpeg's mjpeg encoder fed straight from the capture format: YUYV/UYVY become planar 4:2:2,
 * NV12/BGR0 planar 4:2:0, and the {@link CodecContext}, picture and packet are reused frame after frame.
 * Not thread-safe: one capture thread owns it.
 */
public final class JpegEncoder implements AutoCloseable {

    private final double qscale;
    private final int threads;

    private ConvertingCodec current;
    private int width;
    private int height;
    private long pts;

    /**
     * @param quality 1..100 on libjpeg's scale (what ustreamer and PiKVM call quality); mapped to
     *     FFmpeg's qscale, which multiplies the same standard tables by qscale/8 where libjpeg
     *     multiplies them by (200 - 2q)/100
     * @param threads slice threads for the encoder, and bands converted at once before it (1 = all
     *     on the capture thread)
     */
    public JpegEncoder(int quality, int threads) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be 1..100, got " + quality);
        }
        double libjpegScale = quality < 50 ? 5000.0 / quality : 200 - 2.0 * quality;
        this.qscale = Math.max(1.0, Math.min(31.0, libjpegScale * 8 / 100));
        this.threads = Math.max(1, threads);
    }

    /** Encodes one frame; the JPEG stays available through {@link #copyTo} until the next call. */
    public int encode(RawFrame in) {
        if (current == null || !current.takes(in)) {
            open(in);
        }
        AVFrame picture = current.convert(in);
        picture.pts(pts++);
        if (!current.codec().encode(picture)) {
            throw new IllegalStateException("the mjpeg encoder held a frame back"); // it is intra-only: never
        }
        return current.codec().packet().size();
    }

    /** Copies the last JPEG into {@code dst} (which must hold {@link #encode}'s result). */
    public void copyTo(byte[] dst) {
        AVPacket packet = current.codec().packet();
        packet.data().get(dst, 0, packet.size());
    }

    public double qscale() {
        return qscale;
    }

    private void open(RawFrame in) {
        closeCodec();
        width = in.width();
        height = in.height();
        // 4:2:2 sources keep their chroma resolution: cheaper (no vertical subsampling) and sharper text.
        boolean packed422 = in.format() == PixelFormat.YUYV || in.format() == PixelFormat.UYVY;
        int planar = packed422 ? AV_PIX_FMT_YUV422P : AV_PIX_FMT_YUV420P;
        CodecContext codec;
        try {
            codec = CodecContext.open(avcodec_find_encoder(AV_CODEC_ID_MJPEG), "mjpeg", c -> {
                c.width(width);
                c.height(height);
                c.pix_fmt(planar);
                c.color_range(AVCOL_RANGE_JPEG);
                c.time_base(av_make_q(1, 30));
                c.flags(c.flags() | AV_CODEC_FLAG_QSCALE);
                c.global_quality((int) Math.round(qscale * FF_QP2LAMBDA));
                c.thread_count(threads);
                if (threads > 1) {
                    c.thread_type(2); // FF_THREAD_SLICE (not exported by the JavaCPP presets)
                }
            });
        } catch (CodecContext.OpenFailed e) {
            throw new IllegalStateException("mjpeg encoder would not open for " + in.format() + " " + width + "x" + height
                    + ": " + e.getMessage());
        }
        current = new ConvertingCodec(in, codec, new PlanarConverter(planar, true, threads));
    }

    private void closeCodec() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() {
        closeCodec();
    }
}
