package org.passkvm.video.encode;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import org.bytedeco.javacpp.BytePointer;

/** FFmpeg's negative return codes, turned into exceptions and text a person can read in the log. */
final class Ffmpeg {

    private Ffmpeg() {}

    /** Throws when an FFmpeg call returned an error, naming the call. */
    static void check(int ret, String what) {
        if (ret < 0) {
            throw new IllegalStateException(what + " failed: " + errorText(ret));
        }
    }

    static String errorText(int ret) {
        BytePointer buf = new BytePointer(256);
        av_strerror(ret, buf, 256);
        String s = buf.getString();
        buf.close();
        return s + " (" + ret + ")";
    }
}
