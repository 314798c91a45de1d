package org.passkvm.hid.gadget;

import java.io.IOException;

/**
 * A USB microphone in the composite gadget ({@code usb_f_uac2}): 48 kHz, 16-bit, stereo, towards the host only.
 * f_uac2 names its directions from the gadget's ALSA side: {@code p_*} is the gadget's ALSA playback, which goes to
 * the host on an isochronous IN endpoint (the target's microphone); {@code c_*} would be the host's speaker, which
 * we do not offer ({@code c_chmask=0}: no OUT endpoint, no feedback endpoint). Mute/volume controls are off where the
 * kernel has the switches, which saves the interrupt endpoint they need (docs/audio.md, endpoint budget).
 * On the gadget's side the card appears as {@link #CARD}.
 */
public final class Uac2Function implements GadgetFunction {

    public static final String DIRECTORY = "uac2.mic";
    /** The ALSA card id f_uac2 registers on the gadget's side ({@code /proc/asound/UAC2Gadget}). */
    public static final String CARD = "UAC2Gadget";
    public static final int RATE = 48_000;
    public static final int CHANNELS = 2;

    @Override
    public String directoryName() {
        return DIRECTORY;
    }

    @Override
    public void configure(ConfigfsDirectory function) throws IOException {
        function.write("c_chmask", "0");
        function.write("p_chmask", Integer.toString((1 << CHANNELS) - 1));
        function.write("p_srate", Integer.toString(RATE));
        function.write("p_ssize", "2");
        for (String control : new String[] {"p_mute_present", "p_volume_present", "c_mute_present", "c_volume_present"}) {
            function.writeIfPresent(control, "0");
        }
    }
}
