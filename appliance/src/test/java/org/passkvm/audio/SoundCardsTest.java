package org.passkvm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An HDMI dongle's sound card is the one on the same USB device as its video device, in a sysfs laid out as Linux's. */
class SoundCardsTest {

    @TempDir
    Path sys;

    /** /sys/class/X/name/device → the interface folder under /sys/devices, as the kernel links them. */
    private void link(String clazz, String name, String interfaceDir) throws Exception {
        Path target = sys.resolve("devices").resolve(interfaceDir);
        Files.createDirectories(target);
        Path node = sys.resolve("class").resolve(clazz).resolve(name);
        Files.createDirectories(node);
        Files.createSymbolicLink(node.resolve("device"), target);
    }

    @Test
    void theCardOnTheVideoDevicesUsbDeviceIsChosen() throws Exception {
        link("video4linux", "video0", "pci0000:00/usb1/1-1/1-1:1.0"); // the dongle's video
        link("sound", "card0", "platform/snd_aloop.0"); // not USB
        link("sound", "card1", "pci0000:00/usb1/1-2/1-2:1.1"); // a USB headset elsewhere
        link("sound", "card2", "pci0000:00/usb1/1-1/1-1:1.2"); // the dongle's audio
        SoundCards cards = new SoundCards(sys, sys.resolve("proc"));
        assertThat(cards.besideVideo("/dev/video0")).contains(2);
        assertThat(cards.besideVideo("auto")).contains(2);
        assertThat(cards.besideVideo("/dev/video5")).isEmpty();
    }

    @Test
    void aVideoDeviceWithoutSoundIsNoAudioDeviceWithTheReason() throws Exception {
        link("video4linux", "video0", "platform/vivid.0"); // not on USB at all
        link("sound", "card0", "pci0000:00/usb1/1-2/1-2:1.1");
        AlsaSource source = new AlsaSource("auto", "/dev/video0", 0, 0, new SoundCards(sys, sys.resolve("proc")));
        org.assertj.core.api.Assertions.assertThatThrownBy(source::open)
                .hasMessageContaining("no audio device").hasMessageContaining("/dev/video0").hasMessageContaining("audio.device");
    }
}
