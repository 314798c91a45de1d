package org.passkvm.vnc;

import java.util.function.Consumer;

/** Where sessions get the target's picture: the newest screen, and every new one while they are joined. */
interface Screens {

    /** The newest screen, or null before the first. */
    Screen latest();

    void join(Consumer<Screen> listener);

    void leave(Consumer<Screen> listener);
}
