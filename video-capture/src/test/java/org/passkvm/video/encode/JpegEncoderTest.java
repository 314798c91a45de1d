package org.passkvm.video.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;

class JpegEncoderTest {

    static final int W = 320;
    static final int H = 240;

    /** Left half white, right half black, in the given packed/planar layout. */
    static RawFrame halfWhite(PixelFormat format) {
        return switch (format) {
            case BGR0 -> {
                ByteBuffer b = ByteBuffer.allocateDirect(W * H * 4);
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        byte v = (byte) (x < W / 2 ? 255 : 0);
                        b.put(v).put(v).put(v).put((byte) 0);
                    }
                }
                yield new RawFrame(format, W, H, W * 4, b.flip(), System.nanoTime());
            }
            case YUYV, UYVY -> {
                ByteBuffer b = ByteBuffer.allocateDirect(W * H * 2);
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x += 2) {
                        byte luma = (byte) (x < W / 2 ? 235 : 16);
                        byte chroma = (byte) 128;
                        if (format == PixelFormat.YUYV) {
                            b.put(luma).put(chroma).put(luma).put(chroma);
                        } else {
                            b.put(chroma).put(luma).put(chroma).put(luma);
                        }
                    }
                }
                yield new RawFrame(format, W, H, W * 2, b.flip(), System.nanoTime());
            }
            case NV12 -> {
                ByteBuffer b = ByteBuffer.allocateDirect(W * H * 3 / 2);
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        b.put((byte) (x < W / 2 ? 235 : 16));
                    }
                }
                for (int i = 0; i < W * H / 2; i++) {
                    b.put((byte) 128);
                }
                yield new RawFrame(format, W, H, W, b.flip(), System.nanoTime());
            }
            default -> throw new IllegalArgumentException(format.name());
        };
    }

    static BufferedImage decode(JpegEncoder encoder, int size) throws Exception {
        byte[] jpeg = new byte[size];
        encoder.copyTo(jpeg);
        assertThat(jpeg[0] & 0xff).isEqualTo(0xff);
        assertThat(jpeg[1] & 0xff).isEqualTo(0xd8);
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }

    @Test
    void encodesEveryRawCaptureFormatIntoADecodableJpeg() throws Exception {
        try (JpegEncoder encoder = new JpegEncoder(80, 1)) {
            for (PixelFormat f : new PixelFormat[] {PixelFormat.BGR0, PixelFormat.YUYV, PixelFormat.UYVY, PixelFormat.NV12}) {
                BufferedImage image = decode(encoder, encoder.encode(halfWhite(f)));
                assertThat(image.getWidth()).as(f.name()).isEqualTo(W);
                assertThat(image.getHeight()).as(f.name()).isEqualTo(H);
                int left = image.getRGB(W / 4, H / 2) & 0xff;
                int right = image.getRGB(3 * W / 4, H / 2) & 0xff;
                assertThat(left).as(f + " left").isGreaterThan(200);
                assertThat(right).as(f + " right").isLessThan(40);
            }
        }
    }

    @Test
    void followsAResolutionChangeWithoutAnotherEncoder() throws Exception {
        try (JpegEncoder encoder = new JpegEncoder(50, 1)) {
            encoder.encode(halfWhite(PixelFormat.YUYV));
            ByteBuffer small = ByteBuffer.allocateDirect(64 * 48 * 2);
            int size = encoder.encode(new RawFrame(PixelFormat.YUYV, 64, 48, 128, small, 0));
            assertThat(decode(encoder, size).getWidth()).isEqualTo(64);
        }
    }

    @Test
    void qualityFollowsTheLibjpegScale() {
        assertThat(new JpegEncoder(50, 1).qscale()).isEqualTo(8.0);
        assertThat(new JpegEncoder(80, 1).qscale()).isCloseTo(3.2, org.assertj.core.data.Offset.offset(0.01));
        assertThat(new JpegEncoder(100, 1).qscale()).isEqualTo(1.0);
        assertThat(new JpegEncoder(1, 1).qscale()).isEqualTo(31.0);
    }
}
