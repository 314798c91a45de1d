package org.passkvm.video.stream;

/**
 * What /api/video reports.
 *
 * @param state STREAMING, IDLE (nobody watches), or why there is no picture
 * @param reason the words on the reason screen, empty while streaming
 * @param detail what the source said (device path, error), for the log-minded
 * @param fpsIn frames per second the source delivered
 * @param fpsOut JPEG frames per second published to MJPEG viewers
 * @param jpegBitrate bits per second of JPEG published
 * @param jpegBuffers JPEG buffers ever allocated: stays flat whatever the clients do (memory check)
 * @param h264Buffers H.264 buffers ever allocated, likewise
 * @param h264MaxFps frames a second H.264 is held to (the stream's max_fps, or a slow encoder's cap): a console
 *     that decodes less than half of min(fpsIn, h264MaxFps) switches to MJPEG
 */
public record StreamStatus(String source, String state, String reason, String detail, int width, int height,
        String inputFormat, double fpsIn, double fpsOut, int mjpegClients, int h264Clients, String jpegEncoder,
        long jpegBitrate, String h264Encoder, double h264Fps, long h264Bitrate,
        int jpegBuffers, int h264Buffers, double h264MaxFps) {}
