package org.passkvm.video.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

/**
 * Turns a device JPEG into contiguous 4:2:0 for the H.264 encoder. Only the H.264 path decodes:
 * MJPEG viewers get the device's JPEGs untouched. Buffers are reused frame after frame.
 */
public final class JpegDecoder implements AutoCloseable {

    private final AVCodecContext context;
    private final AVPacket packet = av_packet_alloc();
    private final AVFrame decoded = av_frame_alloc();
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer dstStride = new IntPointer(4);
    private SwsContext sws;
    private int swsWidth;
    private int swsHeight;
    private int swsFormat = -1;
    private ByteBuffer out;
    private BytePointer outPointer;

    public JpegDecoder() {
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
        context = avcodec_alloc_context3(codec);
        Ffmpeg.check(avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "mjpeg decoder");
    }

    /** The picture as YUV420P; valid until the next call. */
    public RawFrame decode(RawFrame jpeg) {
        BytePointer data = new BytePointer(jpeg.data());
        Ffmpeg.check(av_new_packet(packet, jpeg.data().remaining()), "av_new_packet");
        packet.data().put(data.limit(jpeg.data().remaining()));
        try {
            Ffmpeg.check(avcodec_send_packet(context, packet), "avcodec_send_packet(mjpeg)");
        } finally {
            av_packet_unref(packet);
        }
        Ffmpeg.check(avcodec_receive_frame(context, decoded), "avcodec_receive_frame(mjpeg)");
        int w = decoded.width();
        int h = decoded.height();
        if (sws == null || w != swsWidth || h != swsHeight || decoded.format() != swsFormat) {
            sws_freeContext(sws);
            sws = sws_getContext(w, h, decoded.format(), w, h, AV_PIX_FMT_YUV420P, SWS_POINT, null, null, (double[]) null);
            swsWidth = w;
            swsHeight = h;
            swsFormat = decoded.format();
            int size = w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2);
            if (outPointer != null) {
                outPointer.close();
            }
            outPointer = new BytePointer(av_malloc(size)).capacity(size);
            out = outPointer.asByteBuffer();
            dstData.put(0, outPointer);
            dstData.put(1, new BytePointer(outPointer).position((long) w * h));
            dstData.put(2, new BytePointer(outPointer).position((long) w * h + (long) ((w + 1) / 2) * ((h + 1) / 2)));
            dstStride.put(0, w).put(1, (w + 1) / 2).put(2, (w + 1) / 2);
        }
        sws_scale(sws, decoded.data(), decoded.linesize(), 0, h, dstData, dstStride);
        av_frame_unref(decoded);
        return new RawFrame(PixelFormat.YUV420P, w, h, w, out.duplicate().clear(), jpeg.captureNanos());
    }

    @Override
    public void close() {
        sws_freeContext(sws);
        avcodec_free_context(context);
        av_packet_free(packet);
        av_frame_free(decoded);
        if (outPointer != null) {
            av_free(outPointer);
        }
        dstData.close();
        dstStride.close();
    }
}
