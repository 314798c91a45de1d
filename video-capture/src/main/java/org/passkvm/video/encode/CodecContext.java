package org.passkvm.video.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * One opened FFmpeg encoder and the packet it fills, reused frame after frame: each {@link #encode} releases the last
 * packet, and {@link #close} frees the packet and the context. An encoder opens one per picture size and format. Not
 * thread-safe: one capture thread owns it.
 */
final class CodecContext implements AutoCloseable {

    /** The encoder would not open with these settings here (no such hardware, a size it does not take). */
    static final class OpenFailed extends IllegalStateException {
        OpenFailed(int ret) {
            super(Ffmpeg.errorText(ret));
        }
    }

    static {
        av_log_set_level(AV_LOG_ERROR); // encoder chatter (x264's statistics) does not belong in the appliance log
    }

    private final String name;
    private final AVCodecContext context;
    private final AVPacket packet = av_packet_alloc();
    private boolean packetHeld;

    private CodecContext(String name, AVCodecContext context) {
        this.name = name;
        this.context = context;
    }

    /**
     * Opens {@code codec} with what {@code settings} puts on its context.
     *
     * @throws OpenFailed with FFmpeg's reason when it will not open; nothing stays allocated then
     */
    static CodecContext open(AVCodec codec, String name, Consumer<AVCodecContext> settings) {
        AVCodecContext c = avcodec_alloc_context3(codec);
        settings.accept(c);
        int ret = avcodec_open2(c, codec, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(c);
            throw new OpenFailed(ret);
        }
        return new CodecContext(name, c);
    }

    /**
     * Encodes one picture. Returns false when the encoder holds it back for now; otherwise its packet is
     * {@link #packet} until the next call.
     */
    boolean encode(AVFrame picture) {
        release();
        Ffmpeg.check(avcodec_send_frame(context, picture), "avcodec_send_frame(" + name + ")");
        int ret = avcodec_receive_packet(context, packet);
        if (ret == AVERROR_EAGAIN()) {
            return false;
        }
        Ffmpeg.check(ret, "avcodec_receive_packet(" + name + ")");
        packetHeld = true;
        return true;
    }

    /** The last packet; empty, with no flags, while none is held. */
    AVPacket packet() {
        return packet;
    }

    /** What the encoder put out before any frame (H.264: SPS and PPS, for some encoders); null if nothing. */
    ByteBuffer extradata() {
        return context.extradata_size() > 0 ? context.extradata().capacity(context.extradata_size()).asByteBuffer() : null;
    }

    private void release() {
        if (packetHeld) {
            av_packet_unref(packet);
            packetHeld = false;
        }
    }

    @Override
    public void close() {
        release();
        av_packet_free(packet);
        avcodec_free_context(context);
    }
}
