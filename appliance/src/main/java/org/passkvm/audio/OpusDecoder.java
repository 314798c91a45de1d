package org.passkvm.audio;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * libopus through FFmpeg's decoder API, the other half of {@link OpusEncoder}: one Opus packet in, interleaved 48 kHz
 * stereo 16-bit PCM out. A mono packet (a browser's microphone) comes out on both channels: Opus decodes any packet
 * into the channel count its decoder was made for.
 */
public final class OpusDecoder implements AutoCloseable {

    private final AVCodecContext context;
    private final AVFrame frame = av_frame_alloc();
    private final AVPacket packet = av_packet_alloc();
    private BytePointer buffer = new BytePointer(4000);

    public OpusDecoder() throws IOException {
        AVCodec codec = avcodec_find_decoder_by_name("libopus");
        if (codec == null) {
            throw new IOException("this FFmpeg build has no libopus decoder");
        }
        context = avcodec_alloc_context3(codec);
        context.sample_rate(AudioSource.RATE);
        context.request_sample_fmt(AV_SAMPLE_FMT_S16);
        av_channel_layout_default(context.ch_layout(), AudioSource.CHANNELS);
        int err = avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (err < 0) {
            avcodec_free_context(context);
            throw new IOException("opening the libopus decoder failed: error " + err);
        }
    }

    /** Decodes one packet; an empty array for a packet libopus rejects (a broken one is a gap, not the end). */
    public short[] decode(byte[] opus) {
        if (opus.length == 0) {
            return new short[0];
        }
        if (buffer.capacity() < opus.length + AV_INPUT_BUFFER_PADDING_SIZE) {
            buffer.close();
            buffer = new BytePointer(opus.length + AV_INPUT_BUFFER_PADDING_SIZE);
        }
        buffer.position(0).put(opus, 0, opus.length);
        packet.data(buffer);
        packet.size(opus.length);
        if (avcodec_send_packet(context, packet) < 0) {
            return new short[0];
        }
        short[] out = new short[0];
        while (avcodec_receive_frame(context, frame) == 0) {
            int channels = frame.ch_layout().nb_channels();
            short[] pcm = new short[frame.nb_samples() * channels];
            new ShortPointer(frame.data(0)).get(pcm);
            out = channels == AudioSource.CHANNELS ? concat(out, pcm) : concat(out, toStereo(pcm, channels));
            av_frame_unref(frame);
        }
        return out;
    }

    private static short[] toStereo(short[] pcm, int channels) {
        int frames = pcm.length / channels;
        short[] stereo = new short[frames * 2];
        for (int i = 0; i < frames; i++) {
            stereo[2 * i] = pcm[i * channels];
            stereo[2 * i + 1] = pcm[i * channels + (channels > 1 ? 1 : 0)];
        }
        return stereo;
    }

    private static short[] concat(short[] a, short[] b) {
        if (a.length == 0) {
            return b;
        }
        short[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    public void close() {
        av_frame_free(frame);
        av_packet_free(packet);
        avcodec_free_context(context);
        buffer.close();
    }
}
