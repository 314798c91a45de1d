package org.passkvm.appliance;

import org.passkvm.vm.VmHost;
import org.passkvm.vmdisplay.InputRoute;
import org.passkvm.vmdisplay.SourceSwitch;
import org.passkvm.vmdisplay.VmDisplays;

/** Puts the host's VM displays beside the HDMI capture: in the video source switch, with the input following. */
final class VmDisplayWiring {

    /** Frames a second asked of a VM's console at most; the stream's own limit applies on top. */
    static final int MAX_FPS = 30;

    private VmDisplayWiring() {}

    static void start(Parts parts, VmHost host) {
        parts.provided(SourceSwitch.class).ifPresent(sources -> new VmDisplays(host, sources,
                parts.provided(InputRoute.class).orElse(null), MAX_FPS).register(parts.web().api()));
    }
}
