package org.passkvm.vmdisplay;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.passkvm.video.RawFrame;

/**
 * What a BIOS text screen looks like from its pixels, without OCR: VGA text mode is 80x25 cells of 9x16 (720x400), so
 * a line of text is a 16-pixel band with lit pixels in it. Counting lit lines tells "SeaBIOS printed its banner" and
 * "the boot menu opened" apart robustly, whatever the font's exact shapes.
 */
public record TextScreen(int width, int height, int[] rgb) {

    /** A picture as the console gets it (a snapshot's JPEG). */
    public static TextScreen of(byte[] jpeg) throws java.io.IOException {
        var image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        if (image == null) {
            throw new java.io.IOException("not a picture");
        }
        int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return new TextScreen(image.getWidth(), image.getHeight(), rgb);
    }

    static TextScreen of(RawFrame f) {
        ByteBuffer b = f.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int[] rgb = new int[f.width() * f.height()];
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                rgb[y * f.width() + x] = b.getInt(y * f.stride() + x * 4) & 0xFFFFFF;
            }
        }
        return new TextScreen(f.width(), f.height(), rgb);
    }

    /** Text lines (16-pixel bands) holding at least a few bright pixels. */
    public int litLines() {
        int lines = 0;
        for (int band = 0; band + 16 <= height; band += 16) {
            int lit = 0;
            for (int i = band * width; i < (band + 16) * width; i++) {
                int v = rgb[i];
                v &= 0xFFFFFF;
                if (((v >> 16) & 0xFF) + ((v >> 8) & 0xFF) + (v & 0xFF) > 300) {
                    lit++;
                }
            }
            if (lit >= 10) {
                lines++;
            }
        }
        return lines;
    }

    /** Pixels that differ from another screen of the same size. */
    public int differingPixels(TextScreen other) {
        if (other.width != width || other.height != height) {
            return width * height;
        }
        int n = 0;
        for (int i = 0; i < rgb.length; i++) {
            if (rgb[i] != other.rgb[i]) {
                n++;
            }
        }
        return n;
    }

    public void savePng(java.nio.file.Path to) throws java.io.IOException {
        var image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        javax.imageio.ImageIO.write(image, "png", to.toFile());
    }
}
