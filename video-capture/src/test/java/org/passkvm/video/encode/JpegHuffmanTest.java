package org.passkvm.video.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

public class JpegHuffmanTest {

    /** A baseline JPEG from the JDK's writer, which uses the standard tables, with its DHT segments cut out. */
    public static byte[] withoutTables(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int p = 2;
        while (true) {
            int marker = jpeg[p + 1] & 0xff;
            if (marker == 0xda) {
                out.write(jpeg, p, jpeg.length - p);
                return out.toByteArray();
            }
            int len = ((jpeg[p + 2] & 0xff) << 8) | (jpeg[p + 3] & 0xff);
            if (marker != 0xc4) {
                out.write(jpeg, p, 2 + len);
            }
            p += 2 + len;
        }
    }

    public static byte[] sampleJpeg() throws Exception {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, 32, 32);
        g.setColor(Color.BLUE);
        g.fillRect(32, 0, 32, 32);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void addsTheStandardTablesToADeviceJpegThatLacksThem() throws Exception {
        byte[] original = sampleJpeg();
        byte[] stripped = withoutTables(original);
        assertThat(stripped.length).isLessThan(original.length);

        byte[] fixed = new byte[JpegHuffman.outputLength(stripped, stripped.length)];
        int n = JpegHuffman.copyWithTables(stripped, stripped.length, fixed);

        assertThat(n).isEqualTo(stripped.length + JpegHuffman.STANDARD_DHT.length);
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(original));
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(fixed));
        assertThat(b).isNotNull();
        for (int x = 0; x < 64; x += 7) {
            assertThat(b.getRGB(x, 16)).isEqualTo(a.getRGB(x, 16));
        }
    }

    @Test
    void leavesAJpegWithTablesUntouched() throws Exception {
        byte[] original = sampleJpeg();
        assertThat(JpegHuffman.outputLength(original, original.length)).isEqualTo(original.length);
        byte[] copy = new byte[original.length];
        JpegHuffman.copyWithTables(original, original.length, copy);
        assertThat(copy).isEqualTo(original);
    }

    @Test
    void theSegmentCarriesFourTablesOf162AcAnd12DcCodes() {
        assertThat(JpegHuffman.STANDARD_DHT.length).isEqualTo(2 + 0x1a2);
        assertThat(Arrays.copyOfRange(JpegHuffman.STANDARD_DHT, 0, 4)).containsExactly(0xff, 0xc4, 0x01, 0xa2);
    }
}
