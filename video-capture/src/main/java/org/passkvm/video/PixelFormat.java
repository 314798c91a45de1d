package org.passkvm.video;

/** The pixel layouts PassKVM handles, with their FFmpeg names. */
public enum PixelFormat {
    /** Whole JPEG images: forwarded to MJPEG clients untouched. */
    MJPEG("mjpeg"),
    YUYV("yuyv422"),
    UYVY("uyvy422"),
    NV12("nv12"),
    YUV420P("yuv420p"),
    /** 32-bit B, G, R, unused: what Java2D's TYPE_INT_RGB is in memory on little-endian machines. */
    BGR0("bgr0");

    private final String ffmpegName;

    PixelFormat(String ffmpegName) {
        this.ffmpegName = ffmpegName;
    }

    public String ffmpegName() {
        return ffmpegName;
    }
}
