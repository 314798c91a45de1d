package org.passkvm.video.encode;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

/**
 * Unpacks a raw frame into the planar YUV an encoder wants, reusing one AVFrame. Packed YUV stays
 * YUV (a byte shuffle, no colour maths); only the demo's BGR0 goes through a colour conversion.
 * Values are passed through unchanged (no limited-to-full range stretch), as ustreamer does.
 */
final class PlanarConverter implements AutoCloseable {

    private final int targetFormat;
    private final boolean fullRangeOut;
    private final AVFrame frame;
    private final PointerPointer<BytePointer> srcData = new PointerPointer<>(4);
    private final IntPointer srcStride = new IntPointer(4);
    private SwsContext sws;
    private PixelFormat inFormat;
    private int width;
    private int height;

    /** @param targetFormat an AV_PIX_FMT_ planar YUV format */
    PlanarConverter(int targetFormat, boolean fullRangeOut) {
        this.targetFormat = targetFormat;
        this.fullRangeOut = fullRangeOut;
        this.frame = av_frame_alloc();
    }

    /** The converted picture; valid until the next call. */
    AVFrame convert(RawFrame in) {
        if (in.format() != inFormat || in.width() != width || in.height() != height) {
            reset(in);
        }
        check(av_frame_make_writable(frame), "av_frame_make_writable");
        BytePointer src = new BytePointer(in.data());
        srcData.put(0, src);
        srcStride.put(0, in.stride());
        if (in.format() == PixelFormat.NV12 || in.format() == PixelFormat.YUV420P) {
            long lumaSize = (long) in.stride() * in.height();
            srcData.put(1, new BytePointer(src).position(lumaSize));
            if (in.format() == PixelFormat.YUV420P) {
                int chromaStride = in.stride() / 2;
                srcStride.put(1, chromaStride);
                srcStride.put(2, chromaStride);
                srcData.put(2, new BytePointer(src).position(lumaSize + (long) chromaStride * ((in.height() + 1) / 2)));
            } else {
                srcStride.put(1, in.stride());
            }
        }
        sws_scale(sws, srcData, srcStride, 0, in.height(), frame.data(), frame.linesize());
        return frame;
    }

    private void reset(RawFrame in) {
        if (in.format() == PixelFormat.MJPEG) {
            throw new IllegalArgumentException("MJPEG frames are forwarded, not converted");
        }
        sws_freeContext(sws);
        av_frame_unref(frame);
        inFormat = in.format();
        width = in.width();
        height = in.height();
        frame.format(targetFormat);
        frame.width(width);
        frame.height(height);
        frame.color_range(fullRangeOut ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG);
        check(av_frame_get_buffer(frame, 32), "av_frame_get_buffer");
        int srcFormat = avFormat(in.format());
        // No scaling happens, so the cheapest filter; accuracy flags would only slow the unpack down.
        sws = sws_getContext(width, height, srcFormat, width, height, targetFormat, SWS_POINT, null, null, (double[]) null);
        if (sws == null) {
            throw new IllegalStateException("swscale cannot convert " + in.format() + " " + width + "x" + height);
        }
        boolean rgbIn = in.format() == PixelFormat.BGR0;
        // RGB is full range by nature; YUV from a capture chip is kept as it came (no stretch).
        int outRange = rgbIn && fullRangeOut ? 1 : 0;
        IntPointer bt601 = sws_getCoefficients(SWS_CS_ITU601);
        sws_setColorspaceDetails(sws, bt601, rgbIn ? 1 : 0, bt601, rgbIn ? outRange : 0, 0, 1 << 16, 1 << 16);
    }

    static int avFormat(PixelFormat f) {
        return switch (f) {
            case YUYV -> AV_PIX_FMT_YUYV422;
            case UYVY -> AV_PIX_FMT_UYVY422;
            case NV12 -> AV_PIX_FMT_NV12;
            case YUV420P -> AV_PIX_FMT_YUV420P;
            case BGR0 -> AV_PIX_FMT_BGR0;
            case MJPEG -> throw new IllegalArgumentException("MJPEG is not a raw pixel format");
        };
    }

    static void check(int ret, String what) {
        if (ret < 0) {
            throw new IllegalStateException(what + " failed: " + errorText(ret));
        }
    }

    static String errorText(int ret) {
        BytePointer buf = new BytePointer(256);
        av_strerror(ret, buf, 256);
        String s = buf.getString();
        buf.close();
        return s + " (" + ret + ")";
    }

    @Override
    public void close() {
        sws_freeContext(sws);
        sws = null;
        av_frame_free(frame);
        srcData.close();
        srcStride.close();
    }
}
