package org.passkvm.video.stream;

import java.time.Duration;

/**
 * How the stream behaves.
 *
 * @param quality JPEG quality 1..100 for sources that deliver raw pixels (MJPEG sources are forwarded as they come)
 * @param maxFps frames per second published at most; faster sources have frames dropped before encoding
 * @param linger how long capture keeps running after the last viewer left (a page reload should not reopen the device)
 * @param jpegThreads slice threads of the JPEG encoder
 * @param retry how often a failed source is reopened
 * @param stall no frame for this long while the source claims to stream counts as lost signal
 */
public record StreamSettings(int quality, int maxFps, Duration linger, int jpegThreads, Duration retry, Duration stall) {

    public static StreamSettings defaults() {
        return new StreamSettings(80, 60, Duration.ofSeconds(5), 1, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    public StreamSettings {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be 1..100");
        }
        if (maxFps < 1) {
            throw new IllegalArgumentException("maxFps must be at least 1");
        }
    }
}
