package org.passkvm.audio;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * The UAC2 gadget function's sound card on PassKVM's side, found by its name ({@code hw:UAC2Gadget,0}): what is
 * played into it, the target records from its USB microphone. Written through FFmpeg's {@code alsa} output.
 */
public final class GadgetPlayback implements MicrophoneSink {

    private final String card;
    private final Path proc;

    public GadgetPlayback(String card, Path procAsound) {
        this.card = card;
        this.proc = procAsound;
    }

    /** Whether the card is there (the gadget is built, usb_f_uac2 is loaded). */
    @Override
    public boolean present() {
        return Files.exists(proc.resolve(card));
    }

    @Override
    public Output open() throws IOException {
        if (!present()) {
            throw new IOException("no UAC2 sound card " + card + " in " + proc + " (is usb_f_uac2 loaded, the gadget bound?)");
        }
        avdevice.avdevice_register_all();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder("hw:" + card + ",0", AudioSource.CHANNELS);
        recorder.setFormat("alsa");
        recorder.setSampleRate(AudioSource.RATE);
        recorder.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
        try {
            recorder.start();
        } catch (FFmpegFrameRecorder.Exception e) {
            try {
                recorder.release();
            } catch (FFmpegFrameRecorder.Exception ignored) {
                // nothing more to free
            }
            throw new IOException("opening hw:" + card + ",0 failed: " + e.getMessage(), e);
        }
        return new Output() {
            @Override
            public void write(short[] samples) throws IOException {
                try {
                    recorder.recordSamples(AudioSource.RATE, AudioSource.CHANNELS, ShortBuffer.wrap(samples));
                } catch (FFmpegFrameRecorder.Exception e) {
                    throw new IOException("writing to hw:" + card + ",0 failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    recorder.stop();
                    recorder.release();
                } catch (FFmpegFrameRecorder.Exception e) {
                    org.tinylog.Logger.debug(e, "closing the gadget's sound card");
                }
            }
        };
    }
}
