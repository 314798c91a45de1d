package org.passkvm.vnc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The newest screen and the sessions that want every new one: a feed publishes, sessions join and leave. */
class Screens {

    private final List<Consumer<Screen>> listeners = new CopyOnWriteArrayList<>();
    private volatile Screen latest;
    private volatile org.passkvm.video.stream.H264Stream h264;

    /** The newest screen, or null before the first. */
    Screen latest() {
        return latest;
    }

    void join(Consumer<Screen> listener) {
        listeners.add(listener);
        joined();
    }

    void leave(Consumer<Screen> listener) {
        listeners.remove(listener);
    }

    void publish(Screen screen) {
        latest = screen;
        listeners.forEach(l -> l.accept(screen));
    }

    /** The H.264 stream of the same picture, for Open H.264 clients; null when PassKVM encodes none. */
    org.passkvm.video.stream.H264Stream h264() {
        return h264;
    }

    void h264(org.passkvm.video.stream.H264Stream stream) {
        this.h264 = stream;
    }

    boolean watched() {
        return !listeners.isEmpty();
    }

    /** Someone joined: a feed that sleeps while nobody watches wakes up here. */
    void joined() {}
}
