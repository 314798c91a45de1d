package org.passkvm.vm;

import java.util.List;

/**
 * VirGL (the virtio-gl display mode) renders on the host's own GPU through a DRM render node; a passthrough host
 * often has none (its only GPU is the one passed through). Asked before the definition is touched, so such a host
 * answers with what is missing instead of a VM that later fails to start.
 */
final class RenderNodes {

    private RenderNodes() {}

    /** @throws VmHostException UNSUPPORTED when the mode needs a render node and the host lists none */
    static void requireFor(DisplayMode mode, VmHost host) {
        if (mode != DisplayMode.VIRTIO_GL) {
            return;
        }
        List<String> drm = host.nodeDevices("drm");
        if (drm.stream().noneMatch(x -> x.replaceAll("\\s", "").contains("<type>render</type>"))) {
            throw new VmHostException(VmHostException.Kind.UNSUPPORTED, "virtio-gl needs a DRM render node on the host "
                    + "(/dev/dri/renderD*, from a GPU driver the host keeps for itself) for VirGL to render on, and this host "
                    + "has none" + (drm.isEmpty() ? "" : " (only " + drm.size() + " display-only DRM device"
                    + (drm.size() == 1 ? "" : "s") + ")") + ": choose virtio or qxl-spice");
        }
    }
}
