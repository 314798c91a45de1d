package org.passkvm.video.encode;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.util.concurrent.Semaphore;
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
 *
 * <p>With more than one band, horizontal bands of the picture are converted at the same time on
 * helper threads: an encoder given several threads would otherwise wait for a conversion done on
 * one (the ffmpeg program hides that cost by converting on a thread of its own, a frame ahead).
 */
final class PlanarConverter implements AutoCloseable {

    private final int targetFormat;
    private final boolean fullRangeOut;
    private final AVFrame frame;
    private final Band[] bands;
    private final Semaphore done = new Semaphore(0);
    private PixelFormat inFormat;
    private int width;
    private int height;
    private long frameData;
    private int active; // bands in use: tiny pictures are not split
    private volatile RuntimeException bandFailure;

    /**
     * @param targetFormat an AV_PIX_FMT_ planar YUV format
     * @param bands the rows are split into this many bands, converted at once
     */
    PlanarConverter(int targetFormat, boolean fullRangeOut, int bands) {
        this.targetFormat = targetFormat;
        this.fullRangeOut = fullRangeOut;
        this.frame = av_frame_alloc();
        this.bands = new Band[Math.max(1, bands)];
        for (int i = 0; i < this.bands.length; i++) {
            this.bands[i] = new Band(i);
        }
    }

    PlanarConverter(int targetFormat, boolean fullRangeOut) {
        this(targetFormat, fullRangeOut, 1);
    }

    /** The converted picture; valid until the next call. */
    AVFrame convert(RawFrame in) {
        if (in.format() != inFormat || in.width() != width || in.height() != height) {
            reset(in);
        }
        Ffmpeg.check(av_frame_make_writable(frame), "av_frame_make_writable");
        if (frame.data(0).address() != frameData) { // the encoder kept the old buffers: point the bands at the new ones
            frameData = frame.data(0).address();
            for (int i = 0; i < active; i++) {
                bands[i].aimAt(frame);
            }
        }
        BytePointer src = new BytePointer(in.data());
        for (int i = 0; i < active; i++) {
            bands[i].from(src, in);
        }
        for (int i = 1; i < active; i++) {
            bands[i].start.release();
        }
        bands[0].convert();
        done.acquireUninterruptibly(active - 1);
        RuntimeException failure = bandFailure;
        if (failure != null) {
            bandFailure = null;
            throw failure;
        }
        return frame;
    }

    private void reset(RawFrame in) {
        if (in.format() == PixelFormat.MJPEG) {
            throw new IllegalArgumentException("MJPEG frames are forwarded, not converted");
        }
        inFormat = null; // until every band is ready: a failed reset is retried, never half used
        av_frame_unref(frame);
        width = in.width();
        height = in.height();
        frame.format(targetFormat);
        frame.width(width);
        frame.height(height);
        frame.color_range(fullRangeOut ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG);
        Ffmpeg.check(av_frame_get_buffer(frame, 32), "av_frame_get_buffer");
        frameData = frame.data(0).address();
        // Band edges on even rows, so 4:2:0 chroma rows are never split between two bands.
        active = Math.max(1, Math.min(bands.length, height / 64));
        int rowsPerBand = (height / active) & ~1;
        for (int i = 0; i < active; i++) {
            int top = i * rowsPerBand;
            int rows = i == active - 1 ? height - top : rowsPerBand;
            bands[i].open(in.format(), top, rows);
            bands[i].aimAt(frame);
        }
        inFormat = in.format();
    }

    /** Rows [top, top + rows) of the picture, with their own swscale context and pointers. */
    private final class Band implements Runnable {
        final Semaphore start = new Semaphore(0);
        final PointerPointer<BytePointer> srcData = new PointerPointer<>(4);
        final IntPointer srcStride = new IntPointer(4);
        final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
        final IntPointer dstStride = new IntPointer(4);
        final Thread worker;
        volatile boolean closed;
        SwsContext sws;
        int top;
        int rows;

        Band(int index) {
            if (index == 0) {
                worker = null; // the caller converts the first band itself
            } else {
                worker = new Thread(this, "video-convert-" + index);
                worker.setDaemon(true);
                worker.start();
            }
        }

        void open(PixelFormat format, int top, int rows) {
            this.top = top;
            this.rows = rows;
            sws_freeContext(sws);
            int srcFormat = avFormat(format);
            // No scaling happens, so the cheapest filter; accuracy flags would only slow the unpack down.
            sws = sws_getContext(width, rows, srcFormat, width, rows, targetFormat, SWS_POINT, null, null, (double[]) null);
            if (sws == null) {
                throw new IllegalStateException("swscale cannot convert " + format + " " + width + "x" + rows);
            }
            boolean rgbIn = format == PixelFormat.BGR0;
            // RGB is full range by nature; YUV from a capture chip is kept as it came (no stretch).
            int outRange = rgbIn && fullRangeOut ? 1 : 0;
            IntPointer bt601 = sws_getCoefficients(SWS_CS_ITU601);
            sws_setColorspaceDetails(sws, bt601, rgbIn ? 1 : 0, bt601, rgbIn ? outRange : 0, 0, 1 << 16, 1 << 16);
        }

        void aimAt(AVFrame picture) {
            boolean halfHeightChroma = targetFormat == AV_PIX_FMT_YUV420P;
            for (int p = 0; p < 3; p++) {
                int linesize = picture.linesize(p);
                long row = p > 0 && halfHeightChroma ? top / 2 : top;
                dstData.put(p, picture.data(p).position(row * linesize));
                dstStride.put(p, linesize);
            }
        }

        /** Points this band at its rows of the source frame; {@code src} is repositioned. */
        void from(BytePointer src, RawFrame in) {
            int stride = in.stride();
            long lumaSize = (long) stride * in.height();
            srcData.put(0, src.position((long) top * stride));
            srcStride.put(0, stride);
            if (in.format() == PixelFormat.NV12) {
                srcData.put(1, src.position(lumaSize + (long) top / 2 * stride));
                srcStride.put(1, stride);
            } else if (in.format() == PixelFormat.YUV420P) {
                int chromaStride = stride / 2;
                long chromaSize = (long) chromaStride * ((in.height() + 1) / 2);
                srcData.put(1, src.position(lumaSize + (long) top / 2 * chromaStride));
                srcData.put(2, src.position(lumaSize + chromaSize + (long) top / 2 * chromaStride));
                srcStride.put(1, chromaStride);
                srcStride.put(2, chromaStride);
            }
        }

        void convert() {
            sws_scale(sws, srcData, srcStride, 0, rows, dstData, dstStride);
        }

        @Override
        public void run() {
            while (true) {
                start.acquireUninterruptibly();
                if (closed) {
                    return;
                }
                try {
                    convert();
                } catch (RuntimeException e) {
                    bandFailure = e;
                } finally {
                    done.release();
                }
            }
        }

        void close() {
            closed = true;
            sws_freeContext(sws);
            sws = null;
            if (worker != null) {
                start.release();
            }
            srcData.close();
            srcStride.close();
            dstData.close();
            dstStride.close();
        }
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

    @Override
    public void close() {
        for (Band b : bands) {
            b.close();
        }
        av_frame_free(frame);
    }
}
