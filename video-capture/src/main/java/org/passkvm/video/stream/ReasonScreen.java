package org.passkvm.video.stream;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceState;
import org.passkvm.video.encode.JpegEncoder;

/**
 * The picture viewers see while the source has none: the reason in large letters on black, with
 * the detail below, at the stream's last size so the page layout does not jump. Rendered once
 * per reason and size, then served from the cached JPEG.
 */
final class ReasonScreen implements AutoCloseable {

    private final JpegEncoder encoder = new JpegEncoder(80, 1);
    private String cachedKey;
    private byte[] cached;
    private RawFrame picture;

    /** The JPEG for this reason, as a fresh copy into a pooled frame. */
    synchronized EncodedFrame render(FramePool pool, SourceState state, String detail, int width, int height) {
        String key = state + "|" + detail + "|" + width + "x" + height;
        if (!key.equals(cachedKey)) {
            cached = draw(state, detail, width, height);
            cachedKey = key;
        }
        EncodedFrame f = pool.take();
        System.arraycopy(cached, 0, f.buffer(cached.length), 0, cached.length);
        return f.describe(width, height, System.nanoTime(), true, state);
    }

    private byte[] draw(SourceState state, String detail, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, width, height);
            int big = Math.max(12, height / 12);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, big));
            g.setColor(Color.WHITE);
            centered(g, state.reason().isEmpty() ? state.name() : state.reason(), width, height / 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, big / 3)));
            g.setColor(new Color(0xAAAAAA));
            if (detail != null && !detail.isBlank()) {
                centered(g, detail.length() > 120 ? detail.substring(0, 120) + "…" : detail, width, height / 2 + big);
            }
            centered(g, "PassKVM · retrying every second", width, height - big / 2);
        } finally {
            g.dispose();
        }
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        ByteBuffer bgr0 = ByteBuffer.allocateDirect(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bgr0.asIntBuffer().put(pixels);
        picture = new RawFrame(PixelFormat.BGR0, width, height, width * 4, bgr0, System.nanoTime());
        int size = encoder.encode(picture);
        byte[] jpeg = new byte[size];
        encoder.copyTo(jpeg);
        return jpeg;
    }

    /** Loads fonts and opens the encoder ahead of need: the first failure should not wait for Java2D. */
    synchronized void warmUp() {
        draw(SourceState.NO_SIGNAL, "", 64, 36);
    }

    /** The last reason screen as raw pixels, for the H.264 encoder. */
    synchronized RawFrame lastPicture() {
        return new RawFrame(picture.format(), picture.width(), picture.height(), picture.stride(),
                picture.data().duplicate().clear(), System.nanoTime());
    }

    private static void centered(Graphics2D g, String text, int width, int baseline) {
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, Math.max(4, (width - m.stringWidth(text)) / 2), baseline);
    }

    @Override
    public synchronized void close() {
        encoder.close();
    }
}
