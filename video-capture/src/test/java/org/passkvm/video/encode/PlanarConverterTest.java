package org.passkvm.video.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;

import java.nio.ByteBuffer;
import java.util.Random;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

class PlanarConverterTest {

    static final int W = 328;
    static final int H = 246; // not a multiple of the band count: the last band takes the rest

    static RawFrame noise(PixelFormat format, long seed) {
        int stride = switch (format) {
            case BGR0 -> W * 4;
            case YUYV, UYVY -> W * 2;
            default -> W;
        };
        int size = switch (format) {
            case NV12, YUV420P -> stride * H * 3 / 2;
            default -> stride * H;
        };
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return new RawFrame(format, W, H, stride, ByteBuffer.allocateDirect(size).put(bytes).flip(), 0);
    }

    static byte[] planes(AVFrame f, int target) {
        int chromaRows = target == AV_PIX_FMT_YUV420P ? (H + 1) / 2 : H;
        int chromaWidth = (W + 1) / 2;
        byte[] out = new byte[W * H + 2 * chromaWidth * chromaRows];
        int at = 0;
        for (int p = 0; p < 3; p++) {
            int rows = p == 0 ? H : chromaRows;
            int width = p == 0 ? W : chromaWidth;
            for (int y = 0; y < rows; y++) {
                f.data(p).position((long) y * f.linesize(p)).get(out, at, width);
                at += width;
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = {"YUYV", "UYVY", "NV12", "YUV420P", "BGR0"})
    void bandsConvertedAtOnceGiveTheSamePictureAsOnePass(PixelFormat format) {
        int target = format == PixelFormat.YUYV || format == PixelFormat.UYVY ? AV_PIX_FMT_YUV422P : AV_PIX_FMT_YUV420P;
        try (PlanarConverter whole = new PlanarConverter(target, true, 1);
                PlanarConverter banded = new PlanarConverter(target, true, 3)) {
            for (long seed = 1; seed <= 3; seed++) { // frame after frame, the bands stay aimed right
                RawFrame in = noise(format, seed);
                byte[] expected = planes(whole.convert(in), target);
                assertThat(planes(banded.convert(in), target)).as("frame %d", seed).isEqualTo(expected);
            }
        }
    }
}
