package org.passkvm.vnc;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.passkvm.video.stream.EncodedFrame;
import org.passkvm.video.stream.VideoStream;
import org.tinylog.Logger;

/**
 * The web console's capture, turned into {@link Screen}s for VNC: one thread, running only while a VNC client is
 * connected, takes the newest JPEG of the shared stream (skipping any it was too slow for) and decodes it once for
 * every client. Decoding, not a second capture: the device is opened once, whoever watches.
 */
final class ScreenFeed extends Screens implements AutoCloseable {

    private final VideoStream stream;
    private final Object lock = new Object();
    private final Thread thread;
    private volatile boolean closed;

    ScreenFeed(VideoStream stream) {
        this.stream = stream;
        this.thread = new Thread(this::run, "vnc-screen");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    void joined() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void run() {
        long seen = 0;
        while (!closed) {
            try {
                synchronized (lock) {
                    while (!watched() && !closed) {
                        lock.wait();
                    }
                }
                try (VideoStream.Viewer viewer = stream.watch()) {
                    while (watched() && !closed) {
                        EncodedFrame frame = stream.jpeg().awaitNewer(seen, 500, TimeUnit.MILLISECONDS);
                        if (frame == null) {
                            continue;
                        }
                        try {
                            seen = frame.sequence();
                            Screen last = latest();
                            // A still picture encodes to the same JPEG: nothing to decode, nothing for sessions to compare.
                            if (last == null || !Arrays.equals(last.jpeg(), 0, last.jpeg().length, frame.data(), 0, frame.length())) {
                                publish(decode(frame));
                            }
                        } finally {
                            frame.release();
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                Logger.warn(e, "VNC: a frame could not be decoded");
            }
        }
    }

    private static Screen decode(EncodedFrame frame) throws IOException {
        byte[] jpeg = Arrays.copyOf(frame.data(), frame.length());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (image == null) {
            throw new IOException("not a picture ImageIO can read");
        }
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            g.drawImage(image, 0, 0, null);
            g.dispose();
            image = rgb;
        }
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        return new Screen(image.getWidth(), image.getHeight(), pixels, jpeg, frame.sequence());
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
