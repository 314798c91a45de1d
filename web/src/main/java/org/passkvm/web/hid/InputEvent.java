package org.passkvm.web.hid;

import org.passkvm.hid.HidInput;

/** One thing the console's input socket asked for, decoded and checked, not yet done. */
sealed interface InputEvent {

    /** A key by its HID usage. */
    record Key(int usage, boolean down) implements InputEvent {}

    /** Absolute pointer position, 0..32767 on both axes. */
    record MoveTo(int x, int y) implements InputEvent {}

    record MoveBy(int dx, int dy) implements InputEvent {}

    /** 0 left, 1 right, 2 middle, 3 back, 4 forward. */
    record Button(int button, boolean down) implements InputEvent {}

    record Scroll(int wheel, int pan) implements InputEvent {}

    record ReleaseAll() implements InputEvent {}

    /** Sent while keys are held, so a silent console can be told from one that holds a key on purpose. */
    record KeepAlive() implements InputEvent {}

    record SetMouseMode(HidInput.MouseMode mode) implements InputEvent {}

    /** Answered with a pong carrying {@code t}, for the console's latency display. */
    record Ping(Double t) implements InputEvent {}
}
