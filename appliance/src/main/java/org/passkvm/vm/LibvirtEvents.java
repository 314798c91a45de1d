package org.passkvm.vm;

import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.tinylog.Logger;

/**
 * libvirt's default event loop, run on one daemon thread for the whole process. Without it the
 * client never sends keepalives and never learns that the daemon went away (close callbacks).
 * It must be registered before the first connection opens.
 */
final class LibvirtEvents {

    private static Thread loop;

    private LibvirtEvents() {}

    static synchronized void ensureRunning() {
        if (loop != null) {
            return;
        }
        try {
            Library.initEventLoop();
        } catch (LibvirtException e) {
            throw new VmHostException(VmHostException.Kind.FAILED, "libvirt event loop: " + e.getMessage());
        }
        loop = new Thread(() -> {
            try {
                Library.runEventLoop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (LibvirtException e) {
                Logger.error(e, "libvirt event loop stopped");
            }
        }, "libvirt-events");
        loop.setDaemon(true);
        loop.start();
    }
}
