package org.passkvm.simulator;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.passkvm.video.PixelFormat;
import org.passkvm.video.RawFrame;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;
import org.passkvm.video.VideoSource;

/**
 * The simulated target's HDMI output: a video source that paces frames like a capture device
 * and draws the target's state. It redraws only when something changed (or the cursor blinks),
 * and hands out raw BGR0 frames so the encoders take the same path as with a raw capture device.
 */
public final class TargetScreen implements VideoSource {

    private static final Font TEXT = new Font(Font.MONOSPACED, Font.PLAIN, 18);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 22);

    private final SimulatedTarget target;
    private final BufferedImage image = new BufferedImage(SimulatedTarget.WIDTH, SimulatedTarget.HEIGHT, BufferedImage.TYPE_INT_RGB);
    private final int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    private final ByteBuffer frame = ByteBuffer.allocateDirect(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    private volatile long frameIntervalNanos = Duration.ofMillis(1000 / 30).toNanos();
    private volatile boolean dirty = true;
    private long drawnVersion = -1;
    private long drawnBlink = -1;
    private long nextFrameAt;
    private final long started = System.currentTimeMillis();

    TargetScreen(SimulatedTarget target) {
        this.target = target;
    }

    @Override
    public String kind() {
        return "demo";
    }

    public void setFps(int fps) {
        frameIntervalNanos = 1_000_000_000L / Math.max(1, fps);
    }

    void invalidate() {
        dirty = true;
    }

    @Override
    public void open() {
        nextFrameAt = System.nanoTime();
        dirty = true;
    }

    @Override
    public RawFrame grab() throws SourceException {
        pace();
        if (target.power() == SimulatedTarget.Power.OFF) {
            throw new SourceException(SourceState.NO_SIGNAL, "the simulated target is switched off");
        }
        long blink = System.currentTimeMillis() / 500;
        long version = target.version();
        if (dirty || version != drawnVersion || blink != drawnBlink) {
            dirty = false;
            drawnVersion = version;
            drawnBlink = blink;
            draw(target.state(), (blink & 1) == 0);
            frame.clear();
            frame.asIntBuffer().put(pixels);
        }
        return new RawFrame(PixelFormat.BGR0, SimulatedTarget.WIDTH, SimulatedTarget.HEIGHT,
                SimulatedTarget.WIDTH * 4, frame.duplicate().clear(), System.nanoTime());
    }

    private void pace() throws SourceException {
        long wait = nextFrameAt - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SourceException(SourceState.IDLE, "interrupted");
            }
        }
        nextFrameAt = Math.max(nextFrameAt + frameIntervalNanos, System.nanoTime() - frameIntervalNanos);
    }

    private void draw(SimulatedTarget.State s, boolean cursorOn) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            if (s.power() == SimulatedTarget.Power.BOOTING) {
                g.setColor(Color.BLACK);
                g.fillRect(0, 0, image.getWidth(), image.getHeight());
                g.setColor(new Color(0xDDDDDD));
                g.setFont(TEXT);
                g.drawString("PassKVM Demo BIOS v1.0 - POST...", 40, 60);
                g.drawString("Press DEL to enter setup", 40, 90);
                return;
            }
            g.setColor(new Color(0x10243A));
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(new Color(0x1E3A5A));
            g.fillRect(0, 0, image.getWidth(), 40);
            g.setColor(Color.WHITE);
            g.setFont(TITLE);
            String leds = (s.leds().numLock() ? "NUM " : "") + (s.leds().capsLock() ? "CAPS " : "") + (s.leds().scrollLock() ? "SCRL" : "");
            long up = (System.currentTimeMillis() - started) / 1000;
            g.drawString(String.format("%02d:%02d:%02d", up / 3600, up / 60 % 60, up % 60), image.getWidth() - 110, 28);
            g.drawString("Simulated target  ·  " + s.power() + "  ·  pointer " + s.pointerX() + "," + s.pointerY()
                    + "  ·  keys " + s.keystrokes() + "  " + leds, 16, 28);
            g.setFont(TEXT);
            g.setColor(new Color(0xE0E0E0));
            int y = 72;
            for (int i = 0; i < s.lines().size(); i++) {
                String line = s.lines().get(i);
                boolean last = i == s.lines().size() - 1;
                g.drawString(last && cursorOn ? line + "_" : line, 16, y);
                y += 21;
            }
            for (int[] c : s.clicks()) {
                g.setColor(new Color(0xFFB000));
                g.setStroke(new BasicStroke(2));
                g.drawOval(c[0] - 8, c[1] - 8, 16, 16);
            }
            drawPointer(g, s.pointerX(), s.pointerY());
        } finally {
            g.dispose();
        }
    }

    private static void drawPointer(Graphics2D g, int x, int y) {
        Polygon arrow = new Polygon(new int[] {x, x, x + 5, x + 9, x + 11, x + 7, x + 13},
                new int[] {y, y + 18, y + 13, y + 21, y + 20, y + 12, y + 12}, 7);
        g.setColor(Color.WHITE);
        g.fill(arrow);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.draw(arrow);
    }

    @Override
    public void close() {
        // Nothing to release: the picture lives as long as the target.
    }
}
