package org.passkvm.appliance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.audio.AlsaSource;
import org.passkvm.audio.AudioRoutes;
import org.passkvm.audio.AudioSource;
import org.passkvm.audio.AudioStream;
import org.passkvm.audio.DemoTones;
import org.passkvm.audio.AlsaPlayback;
import org.passkvm.audio.Microphone;
import org.passkvm.audio.SoundCards;
import org.passkvm.hid.gadget.GadgetConfig;
import org.passkvm.hid.gadget.Uac2Function;
import org.passkvm.web.Health;

/**
 * The target's sound in the console: the HDMI capture's ALSA device (found beside the video device), the simulated
 * target's key beeps in demo mode, or nothing. Follows the video choice: a sound without its picture is not a KVM.
 */
final class AudioCapability extends Capability {

    enum Source { AUTO, ALSA, DEMO, OFF }

    static final Setting<Source> SOURCE = Setting.choice("source", Source.AUTO,
            "auto: alsa with a V4L2 video source, demo with the demo one, else off");
    static final Setting<String> DEVICE = Setting.text("device", "auto",
            "ALSA capture device (hw:1,0, hw:Loopback,1,0), or auto: the sound card on the video device's USB device");
    static final Setting<Integer> SAMPLE_RATE = Setting.integer("sample_rate", 0, 0, 192_000,
            "capture rate; 0 = the USB card's own (its first listed rate), else 48000; resampled to 48 kHz for Opus");
    static final Setting<Integer> CHANNELS = Setting.integer("channels", 0, 0, 8, "0 = the USB card's own, else 2");
    static final Setting<Integer> BITRATE = Setting.integer("bitrate_kbps", 96, 8, 510, "Opus bitrate");
    static final Setting<java.time.Duration> RETRY = Setting.millis("retry_ms", 1000, 100, 60_000,
            "while there is no audio device, try again this often");

    static final Setting<Boolean> MICROPHONE = Setting.flag("microphone", false,
            "a USB microphone (UAC2) in the gadget, fed from the console's microphone (needs hid.output: gadget)");
    static final Setting<String> MICROPHONE_DEVICE = Setting.text("microphone_device", "auto",
            "where the microphone plays: auto = the gadget's UAC2 card; an ALSA device (hw:1,0) = that card, no gadget function");

    static final Section SETTINGS = Section.of("audio", SOURCE, DEVICE, SAMPLE_RATE, CHANNELS, BITRATE, RETRY, MICROPHONE,
            MICROPHONE_DEVICE)
            .doc("the target's sound in the console, Opus over /api/audio/ws (docs/audio.md)");

    /** Provided by the HID capability when the gadget would not bind with the microphone and runs without it. */
    record MicrophoneDropped(String reason) {}

    AudioCapability() {
        super("audio", SETTINGS);
    }

    @Override
    List<String> needs() {
        return List.of("video", "hid");
    }

    @Override
    String choose(Values audio, Choices chosen) {
        Source choice = audio.get(SOURCE);
        if (choice == Source.AUTO) {
            String video = chosen.of("video");
            choice = video.equals("v4l2") ? Source.ALSA : video.equals("demo") ? Source.DEMO : Source.OFF;
        }
        return partName(choice);
    }

    @Override
    Supplier<Health.Capability> start(String part, Values audio, Parts parts, Choices chosen) {
        if (part.equals("off")) {
            return OffRoutes.register(parts.web().api(), "audio", "audio is off (audio.source: off, or no video)", "/api/audio");
        }
        AudioSource source;
        if (part.equals("alsa")) {
            String videoDevice = parts.settings().section("video").get(VideoCapability.DEVICE);
            source = new AlsaSource(audio.get(DEVICE), videoDevice, audio.get(SAMPLE_RATE), audio.get(CHANNELS),
                    SoundCards.system());
        } else {
            DemoTones tones = new DemoTones();
            parts.simulator().onKeyPress(tones::keyPressed);
            source = tones;
        }
        AudioStream stream = parts.own(new AudioStream(source, audio.get(BITRATE) * 1000, audio.get(RETRY)));
        parts.provide(AudioStream.class, stream);
        Microphone microphone = parts.own(microphone(audio, parts, chosen));
        new AudioRoutes(stream, microphone).register(parts.web().api());
        return () -> {
            AudioStream.Status s = stream.status();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", s.reason());
            details.put("listeners", s.listeners());
            details.put("bytes", s.bytes());
            details.put("skippedChunks", s.skippedChunks());
            details.put("microphone", microphone.status());
            return new Health.Capability(s.source(), s.state(), details);
        };
    }

    private static Microphone microphone(Values audio, Parts parts, Choices chosen) {
        if (!audio.get(MICROPHONE)) {
            return Microphone.unavailable(Microphone.State.OFF, "the microphone is off (audio.microphone: false)");
        }
        String device = audio.get(MICROPHONE_DEVICE);
        if (!device.equals("auto")) {
            return Microphone.into(new AlsaPlayback(device, java.nio.file.Path.of("/proc/asound")));
        }
        if (!chosen.of("hid").equals("gadget")) {
            return Microphone.unavailable(Microphone.State.NO_GADGET,
                    "the microphone is a USB gadget function, and the USB gadget is not configured (hid.output: gadget)");
        }
        java.util.Optional<MicrophoneDropped> dropped = parts.provided(MicrophoneDropped.class);
        if (dropped.isPresent()) {
            return Microphone.unavailable(Microphone.State.NO_UAC2_CARD, dropped.get().reason());
        }
        return Microphone.into(new AlsaPlayback("hw:" + Uac2Function.CARD + ",0", java.nio.file.Path.of("/proc/asound")));
    }

    /**
     * The gadget builder's hook: with {@code audio.microphone: true} (and no other device named) the composite gadget
     * gets a USB microphone.
     */
    static GadgetConfig withMicrophone(Values audio, GadgetConfig gadget) {
        boolean uac2 = audio.get(MICROPHONE) && audio.get(MICROPHONE_DEVICE).equals("auto");
        return uac2 ? gadget.withExtraFunction(new Uac2Function()) : gadget;
    }
}
