package org.passkvm.video.encode;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

/**
 * An opened encoder and the converter that feeds it, both made for one input format and size: a frame of another
 * format or size needs a new pair, and the old one is closed whole. Not thread-safe: one capture thread owns it.
 */
final class ConvertingCodec implements AutoCloseable {

    private final PixelFormat format;
    private final int width;
    private final int height;
    private final CodecContext codec;
    private final PlanarConverter converter;

    /** Takes over {@code codec} and {@code converter}: closing this closes them. */
    ConvertingCodec(RawFrame opener, CodecContext codec, PlanarConverter converter) {
        this.format = opener.format();
        this.width = opener.width();
        this.height = opener.height();
        this.codec = codec;
        this.converter = converter;
    }

    boolean takes(RawFrame in) {
        return in.format() == format && in.width() == width && in.height() == height;
    }

    /** The frame unpacked for the encoder; valid until the next call. */
    AVFrame convert(RawFrame in) {
        return converter.convert(in);
    }

    CodecContext codec() {
        return codec;
    }

    @Override
    public void close() {
        codec.close();
        converter.close();
    }
}
