package org.passkvm.web.hid;

import org.passkvm.hid.HidInput;

/** Does what a decoded input event asks of the keyboard and mouse. */
final class InputApplier {

    private InputApplier() {}

    /** Keep-alives and pings are the socket's business, not the target's: they do nothing here. */
    static void apply(InputEvent event, HidInput input) {
        if (event instanceof InputEvent.Key k) {
            if (k.down()) {
                input.keyDown(k.usage());
            } else {
                input.keyUp(k.usage());
            }
        } else if (event instanceof InputEvent.MoveTo m) {
            input.moveTo(m.x(), m.y());
        } else if (event instanceof InputEvent.MoveBy m) {
            input.moveBy(m.dx(), m.dy());
        } else if (event instanceof InputEvent.Button b) {
            input.button(b.button(), b.down());
        } else if (event instanceof InputEvent.Scroll s) {
            input.scroll(s.wheel(), s.pan());
        } else if (event instanceof InputEvent.ReleaseAll) {
            input.releaseAll();
        } else if (event instanceof InputEvent.SetMouseMode m) {
            input.setMouseMode(m.mode());
        }
    }
}
