package org.passkvm.video.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

class H264EncoderTest {

    record Unit(byte[] bytes, boolean key) {}

    static List<Unit> encode(H264Encoder encoder, PixelFormat format, int frames, int keyAt) {
        List<Unit> out = new ArrayList<>();
        RawFrame base = JpegEncoderTest.halfWhite(format);
        for (int i = 0; i < frames; i++) {
            if (i == keyAt) {
                encoder.requestKeyframe();
            }
            RawFrame f = new RawFrame(base.format(), base.width(), base.height(), base.stride(), base.data().duplicate(),
                    1_000_000_000L + i * 33_000_000L);
            int size = encoder.encode(f);
            if (size > 0) {
                byte[] b = new byte[size];
                assertThat(encoder.copyTo(b, 0)).isEqualTo(size);
                out.add(new Unit(b, encoder.keyframe()));
            }
        }
        return out;
    }

    /** Decodes with FFmpeg's own H.264 decoder, one access unit per packet as a browser gets them. */
    static int decode(List<Unit> units) {
        AVCodecContext c = avcodec_alloc_context3(avcodec_find_decoder(AV_CODEC_ID_H264));
        assertThat(avcodec_open2(c, avcodec_find_decoder(AV_CODEC_ID_H264), (org.bytedeco.ffmpeg.avutil.AVDictionary) null)).isZero();
        AVPacket p = av_packet_alloc();
        AVFrame f = av_frame_alloc();
        int decoded = 0;
        for (Unit u : units) {
            BytePointer data = new BytePointer(av_malloc(u.bytes().length + AV_INPUT_BUFFER_PADDING_SIZE))
                    .capacity(u.bytes().length + AV_INPUT_BUFFER_PADDING_SIZE);
            data.put(u.bytes());
            av_packet_from_data(p, data, u.bytes().length);
            assertThat(avcodec_send_packet(c, p)).isGreaterThanOrEqualTo(0);
            av_packet_unref(p);
            while (avcodec_receive_frame(c, f) >= 0) {
                assertThat(f.width()).isEqualTo(JpegEncoderTest.W);
                decoded++;
            }
        }
        avcodec_send_packet(c, null);
        while (avcodec_receive_frame(c, f) >= 0) {
            decoded++;
        }
        av_frame_free(f);
        av_packet_free(p);
        avcodec_free_context(c);
        return decoded;
    }

    @Test
    void producesAnnexBAccessUnitsThatDecodeFrameForFrame() {
        try (H264Encoder encoder = new H264Encoder("auto", 1000, 600, 1)) {
            List<Unit> units = encode(encoder, PixelFormat.YUYV, 30, -1);
            assertThat(encoder.name()).isIn("libx264", "libopenh264");
            assertThat(units).hasSize(30); // zero latency: one access unit out per frame in
            assertThat(units.get(0).key()).isTrue();
            assertThat(units.get(0).bytes()).startsWith(0, 0, 0, 1);
            assertThat(encoder.codecString()).matches("avc1\\.[0-9A-F]{6}");
            assertThat(decode(units)).isEqualTo(30);
        }
    }

    @Test
    void aRequestedKeyframeComesWithItsParameterSets() {
        try (H264Encoder encoder = new H264Encoder("auto", 1000, 600, 1)) {
            List<Unit> units = encode(encoder, PixelFormat.BGR0, 20, 12);
            assertThat(units.get(11).key()).isFalse();
            assertThat(units.get(12).key()).isTrue();
            assertThat(AnnexB.hasParameterSets(ByteBuffer.wrap(units.get(12).bytes()))).isTrue();
            // A decoder joining at the requested keyframe decodes everything from there on.
            assertThat(decode(units.subList(12, 20))).isEqualTo(8);
        }
    }

    @Test
    void everyAvailableSoftwareEncoderWorks() {
        for (String name : H264Encoder.available()) {
            if (name.equals("h264_v4l2m2m")) {
                continue; // needs the Pi's hardware
            }
            try (H264Encoder encoder = new H264Encoder(name, 1000, 60, 1)) {
                List<Unit> units = encode(encoder, PixelFormat.NV12, 10, -1);
                assertThat(encoder.name()).isEqualTo(name);
                assertThat(decode(units)).as(name).isEqualTo(units.size());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void libx264OnArm64IsHeldTo720pAt30FpsWorthOfPixelsAndNothingElseIsCapped() {
        assertThat(H264Encoder.maxFps("libx264", true, 1280, 720)).isEqualTo(30.0);
        assertThat(H264Encoder.maxFps("libx264", true, 1920, 1080)).isBetween(13.3, 13.4);
        assertThat(H264Encoder.maxFps("libx264", true, 640, 360)).isEqualTo(60.0);
        assertThat(H264Encoder.maxFps("libx264", false, 1920, 1080)).isZero();
        assertThat(H264Encoder.maxFps("h264_v4l2m2m", true, 1920, 1080)).isZero();
    }
}
