package org.passkvm.video.v4l2;

/**
 * Which device and what to ask of it.
 *
 * @param device a /dev/video path, or "auto" for the first node that captures video
 * @param input the V4L2 input to select (vivid's HDMI is 3), or -1 to leave it
 * @param inputFormat FFmpeg's name ("mjpeg", "yuyv422", "uyvy422", "nv12", "yuv420p") or "auto":
 *     MJPEG when offered (forwarded untouched), else the first raw format PassKVM encodes from
 * @param width capture width, 0 = what the HDMI receiver detects or the device's default
 * @param height capture height, 0 likewise
 * @param fps frames per second asked of the device, 0 = its default
 */
public record V4l2Settings(String device, int input, String inputFormat, int width, int height, int fps) {

    public static V4l2Settings auto() {
        return new V4l2Settings("auto", -1, "auto", 0, 0, 0);
    }
}
