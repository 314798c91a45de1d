package org.passkvm.audio;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.ShortPointer;

/**
 * libopus through FFmpeg's encoder API: 48 kHz stereo PCM in, one Opus packet per 20 ms out. The {@code lowdelay}
 * application drops SILK and its look-ahead (26.5 → 5 ms of algorithmic delay): a KVM wants the sound now.
 */
public final class OpusEncoder implements AutoCloseable {

    public static final int FRAME_SAMPLES = AudioSource.RATE / 50;

    private final AVCodecContext context;
    private final AVFrame frame;
    private final AVPacket packet = av_packet_alloc();
    private final short[] pending = new short[FRAME_SAMPLES * AudioSource.CHANNELS];
    private int filled;
    private long pts;

    public OpusEncoder(int bitrate) throws IOException {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new IOException("this FFmpeg build has no libopus encoder");
        }
        context = avcodec_alloc_context3(codec);
        context.sample_rate(AudioSource.RATE);
        context.sample_fmt(AV_SAMPLE_FMT_S16);
        context.bit_rate(bitrate);
        av_channel_layout_default(context.ch_layout(), AudioSource.CHANNELS);
        AVDictionary options = new AVDictionary(null);
        av_dict_set(options, "application", "lowdelay", 0);
        av_dict_set(options, "frame_duration", "20", 0);
        int err = avcodec_open2(context, codec, options);
        av_dict_free(options);
        if (err < 0) {
            avcodec_free_context(context);
            throw new IOException("opening libopus failed: error " + err);
        }
        frame = av_frame_alloc();
        frame.nb_samples(FRAME_SAMPLES);
        frame.format(AV_SAMPLE_FMT_S16);
        frame.sample_rate(AudioSource.RATE);
        av_channel_layout_copy(frame.ch_layout(), context.ch_layout());
        av_frame_get_buffer(frame, 0);
    }

    /** Feeds interleaved samples; returns the Opus packets completed by them (usually one per 20 ms). */
    public List<byte[]> encode(short[] samples) throws IOException {
        List<byte[]> out = new ArrayList<>(2);
        int at = 0;
        while (at < samples.length) {
            int n = Math.min(pending.length - filled, samples.length - at);
            System.arraycopy(samples, at, pending, filled, n);
            filled += n;
            at += n;
            if (filled == pending.length) {
                filled = 0;
                av_frame_make_writable(frame);
                new ShortPointer(frame.data(0)).put(pending, 0, pending.length);
                frame.pts(pts);
                pts += FRAME_SAMPLES;
                check(avcodec_send_frame(context, frame), "sending PCM");
                while (avcodec_receive_packet(context, packet) == 0) {
                    byte[] b = new byte[packet.size()];
                    packet.data().get(b);
                    out.add(b);
                    av_packet_unref(packet);
                }
            }
        }
        return out;
    }

    private static void check(int err, String what) throws IOException {
        if (err < 0) {
            throw new IOException("Opus: " + what + " failed: error " + err);
        }
    }

    @Override
    public void close() {
        av_frame_free(frame);
        av_packet_free(packet);
        avcodec_free_context(context);
    }
}
