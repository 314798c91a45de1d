package org.passkvm.audio;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * An ALSA playback device written through FFmpeg's {@code alsa} output: normally the UAC2 gadget function's sound card
 * on PassKVM's side, found by its name ({@code hw:UAC2Gadget,0}), whose sound the target records from its USB
 * microphone; or any device {@code audio.microphone_device} names (a USB sound card cabled to the target's line-in).
 */
public final class AlsaPlayback implements MicrophoneSink {

    private static final Pattern CARD = Pattern.compile("^(?:plug)?hw:(?:CARD=)?([^,]+)");

    private final String device;
    private final Path proc;

    public AlsaPlayback(String device, Path procAsound) {
        this.device = device;
        this.proc = procAsound;
    }

    /** Whether the device's card is there ({@code /proc/asound/<id>} or {@code cardN}); other names are trusted. */
    @Override
    public boolean present() {
        Matcher m = CARD.matcher(device);
        if (!m.find()) {
            return true;
        }
        String card = m.group(1);
        return Files.exists(proc.resolve(card.matches("\\d+") ? "card" + card : card));
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public Output open() throws IOException {
        if (!present()) {
            throw new IOException("no sound card for " + device + " in " + proc + " (for the gadget's: is usb_f_uac2 loaded, the gadget bound?)");
        }
        String card = device;
        avdevice.avdevice_register_all();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(device, AudioSource.CHANNELS);
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
            throw new IOException("opening " + card + " failed: " + e.getMessage(), e);
        }
        return new Output() {
            @Override
            public void write(short[] samples) throws IOException {
                try {
                    recorder.recordSamples(AudioSource.RATE, AudioSource.CHANNELS, ShortBuffer.wrap(samples));
                } catch (FFmpegFrameRecorder.Exception e) {
                    throw new IOException("writing to " + card + " failed: " + e.getMessage(), e);
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
