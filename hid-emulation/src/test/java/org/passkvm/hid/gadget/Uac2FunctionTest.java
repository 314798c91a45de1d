package org.passkvm.hid.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The microphone's configfs attributes, in a folder laid out like the kernel's uac2 function folder. */
class Uac2FunctionTest {

    @TempDir
    Path dir;

    @Test
    void theHostGetsAStereo48kHzMicrophoneAndNoSpeakerNorControls() throws Exception {
        for (String a : new String[] {"c_chmask", "p_chmask", "p_srate", "p_ssize", "p_mute_present", "p_volume_present",
                "c_mute_present", "c_volume_present"}) {
            Files.writeString(dir.resolve(a), "kernel default");
        }
        new Uac2Function().configure(new ConfigfsDirectory(dir));
        // f_uac2's "playback" is the gadget's ALSA playback, which the host receives: the microphone.
        assertThat(Files.readString(dir.resolve("p_chmask"))).isEqualTo("3");
        assertThat(Files.readString(dir.resolve("c_chmask"))).isEqualTo("0");
        assertThat(Files.readString(dir.resolve("p_srate"))).isEqualTo("48000");
        assertThat(Files.readString(dir.resolve("p_ssize"))).isEqualTo("2");
        assertThat(Files.readString(dir.resolve("p_mute_present"))).isEqualTo("0");
        assertThat(Files.readString(dir.resolve("c_volume_present"))).isEqualTo("0");
    }

    @Test
    void anOlderKernelWithoutTheControlSwitchesStillGetsTheMicrophone() throws Exception {
        for (String a : new String[] {"c_chmask", "p_chmask", "p_srate", "p_ssize"}) {
            Files.writeString(dir.resolve(a), "kernel default");
        }
        new Uac2Function().configure(new ConfigfsDirectory(dir));
        assertThat(Files.readString(dir.resolve("p_chmask"))).isEqualTo("3");
        assertThat(dir.resolve("p_mute_present")).doesNotExist();
    }
}
