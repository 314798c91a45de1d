package org.passkvm.vm;

import java.util.Locale;

/** The virtual display PassKVM can give a VM; OTHER is any layout PassKVM did not write. */
public enum DisplayMode {
    /** No emulated display: a passed-through GPU is the VM's screen. */
    NONE,
    /** virtio-gpu (2D) shown over SPICE. */
    VIRTIO,
    /** virtio-gpu with VirGL 3D, rendered on the host through SPICE's local GL. */
    VIRTIO_GL,
    /** QXL with SPICE, the classic remote-desktop setup. */
    QXL_SPICE,
    OTHER;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static DisplayMode parse(String text) {
        for (DisplayMode m : values()) {
            if (m != OTHER && m.label().equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("display mode must be one of none, virtio, virtio-gl, qxl-spice; got '" + text + "'");
    }
}
