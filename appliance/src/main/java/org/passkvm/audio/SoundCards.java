package org.passkvm.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sound cards in sysfs and which USB device each sits on. An HDMI capture dongle is one USB device with a video
 * interface and an audio interface: its sound card is the one whose USB device is the video device's.
 */
public final class SoundCards {

    private final Path sys;
    private final Path proc;

    public SoundCards(Path sys, Path proc) {
        this.sys = sys;
        this.proc = proc;
    }

    public static SoundCards system() {
        return new SoundCards(Path.of("/sys"), Path.of("/proc/asound"));
    }

    Path proc() {
        return proc;
    }

    /**
     * The card number beside {@code videoDevice} ({@code /dev/videoN}), or beside any video device for {@code auto}.
     */
    public Optional<Integer> besideVideo(String videoDevice) {
        List<Path> videos;
        try (Stream<Path> s = list(sys.resolve("class/video4linux"))) {
            videos = s.filter(v -> "auto".equals(videoDevice) || v.getFileName().toString().equals(Path.of(videoDevice).getFileName().toString()))
                    .sorted().toList();
        }
        for (Path video : videos) {
            Optional<Path> usb = usbDevice(video.resolve("device"));
            if (usb.isEmpty()) {
                continue;
            }
            try (Stream<Path> cards = list(sys.resolve("class/sound"))) {
                Optional<Integer> card = cards.filter(c -> c.getFileName().toString().matches("card\\d+"))
                        .filter(c -> usbDevice(c.resolve("device")).equals(usb))
                        .map(c -> Integer.parseInt(c.getFileName().toString().substring(4)))
                        .findFirst();
                if (card.isPresent()) {
                    return card;
                }
            }
        }
        return Optional.empty();
    }

    /** An interface's USB device: the interface folder is named like {@code 1-1:1.0}, its parent {@code 1-1}. */
    private static Optional<Path> usbDevice(Path deviceLink) {
        try {
            Path real = deviceLink.toRealPath();
            return real.getFileName().toString().contains(":") ? Optional.of(real.getParent()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.list(dir);
        } catch (IOException e) {
            return Stream.empty();
        }
    }
}
