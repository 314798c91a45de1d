package org.passkvm.video.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

class JpegDecoderTest {

    static RawFrame deviceJpeg() {
        try (JpegEncoder encoder = new JpegEncoder(90, 1)) {
            byte[] jpeg = new byte[encoder.encode(JpegEncoderTest.halfWhite(PixelFormat.YUYV))];
            encoder.copyTo(jpeg);
            ByteBuffer b = ByteBuffer.allocateDirect(jpeg.length).put(jpeg).flip();
            return new RawFrame(PixelFormat.MJPEG, JpegEncoderTest.W, JpegEncoderTest.H, 0, b, 123);
        }
    }

    @Test
    void aDeviceJpegBecomesPlanar420ForTheH264Encoder() {
        try (JpegDecoder decoder = new JpegDecoder()) {
            RawFrame yuv = decoder.decode(deviceJpeg());
            assertThat(yuv.format()).isEqualTo(PixelFormat.YUV420P);
            assertThat(yuv.width()).isEqualTo(JpegEncoderTest.W);
            assertThat(yuv.captureNanos()).isEqualTo(123);
            int row = JpegEncoderTest.H / 2 * yuv.stride();
            assertThat(yuv.data().get(row + JpegEncoderTest.W / 4) & 0xff).isGreaterThan(200);
            assertThat(yuv.data().get(row + 3 * JpegEncoderTest.W / 4) & 0xff).isLessThan(40);
        }
    }

    @Test
    void anMjpegSourceCanFeedH264() {
        try (JpegDecoder decoder = new JpegDecoder(); H264Encoder encoder = new H264Encoder("auto", 1000, 60, 1)) {
            List<H264EncoderTest.Unit> units = new ArrayList<>();
            RawFrame jpeg = deviceJpeg();
            for (int i = 0; i < 5; i++) {
                RawFrame f = decoder.decode(new RawFrame(PixelFormat.MJPEG, jpeg.width(), jpeg.height(), 0,
                        jpeg.data().duplicate(), 1_000_000_000L + i * 33_000_000L));
                int n = encoder.encode(f);
                byte[] b = new byte[n];
                encoder.copyTo(b, 0);
                units.add(new H264EncoderTest.Unit(b, encoder.keyframe()));
            }
            assertThat(H264EncoderTest.decode(units)).isEqualTo(5);
        }
    }
}
