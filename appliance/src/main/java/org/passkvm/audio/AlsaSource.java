package org.passkvm.audio;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * An ALSA capture device through FFmpeg's {@code alsa} input: the HDMI capture dongle's own sound card (found beside
 * its video device, see {@link SoundCards}) or a named one. Captured at the device's own rate and channel count,
 * resampled by FFmpeg to 48 kHz stereo. The device is looked up again on every open, so a dongle that comes back
 * under another card number is found.
 */
public final class AlsaSource implements AudioSource {

    private static final Pattern RATES = Pattern.compile("Rates:\\s*(\\d+)");
    private static final Pattern CHANNELS_LINE = Pattern.compile("Channels:\\s*(\\d+)");

    private final String device;
    private final String videoDevice;
    private final int rate;
    private final int channels;
    private final SoundCards cards;

    /**
     * @param device an ALSA name ({@code hw:1,0}, {@code hw:Loopback,1,0}) or {@code auto}: the card on the video
     *     device's USB device
     * @param rate capture rate, 0 = the card's first listed rate (USB cards), else 48000
     * @param channels 0 = the card's own (USB cards), else 2
     */
    public AlsaSource(String device, String videoDevice, int rate, int channels, SoundCards cards) {
        this.device = device;
        this.videoDevice = videoDevice;
        this.rate = rate;
        this.channels = channels;
        this.cards = cards;
    }

    @Override
    public String implementation() {
        return "alsa";
    }

    /** The ALSA device name open() would use now, or why there is none. */
    public String resolve() throws IOException {
        if (!"auto".equals(device)) {
            return device;
        }
        Optional<Integer> card = cards.besideVideo(videoDevice);
        if (card.isEmpty()) {
            throw new IOException("no audio device: no sound card on the same USB device as "
                    + ("auto".equals(videoDevice) ? "any video capture device" : videoDevice) + " (set audio.device)");
        }
        return "hw:" + card.get() + ",0";
    }

    @Override
    public Capture open() throws IOException {
        String name = resolve();
        int nativeRate = rate > 0 ? rate : streamInfo(name, RATES).orElse(RATE);
        int nativeChannels = channels > 0 ? channels : streamInfo(name, CHANNELS_LINE).orElse(CHANNELS);
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(name);
        grabber.setFormat("alsa");
        grabber.setSampleMode(FrameGrabber.SampleMode.SHORT);
        grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
        grabber.setSampleRate(RATE);
        grabber.setAudioChannels(CHANNELS);
        // The input's own format (the options above set the output the grabber resamples to).
        grabber.setOption("sample_rate", Integer.toString(nativeRate));
        grabber.setOption("channels", Integer.toString(nativeChannels));
        grabber.setOption("fflags", "nobuffer");
        grabber.setOption("analyzeduration", "0");
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            closeQuietly(grabber);
            throw new IOException("no audio device: cannot open ALSA " + name + " (" + e.getMessage() + ")", e);
        }
        return new Capture() {
            @Override
            public short[] read() throws IOException {
                Frame f;
                try {
                    f = grabber.grabSamples();
                } catch (FrameGrabber.Exception e) {
                    throw new IOException("audio device " + name + " stopped: " + e.getMessage(), e);
                }
                if (f == null || f.samples == null) {
                    throw new IOException("audio device " + name + " went away");
                }
                ShortBuffer b = (ShortBuffer) f.samples[0];
                short[] out = new short[b.remaining()];
                b.duplicate().get(out);
                return out;
            }

            @Override
            public void close() {
                closeQuietly(grabber);
            }
        };
    }

    /** What a USB sound card says about its stream in /proc/asound/cardN/stream0 (other cards have no such file). */
    private Optional<Integer> streamInfo(String alsaName, Pattern line) {
        Matcher card = Pattern.compile("^(?:plug)?hw:(\\d+)").matcher(alsaName);
        if (!card.find()) {
            return Optional.empty();
        }
        try {
            Matcher m = line.matcher(Files.readString(cards.proc().resolve("card" + card.group(1)).resolve("stream0")));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (Exception ignored) {
            // already broken: nothing left to free
        }
    }

    @Override
    public String toString() {
        return "ALSA " + device;
    }
}
