package org.passkvm.vm;

import org.libvirt.Connect;
import org.libvirt.ErrorCallback;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.tinylog.Logger;

/**
 * libvirt's default event loop, run on one daemon thread for the whole process. Without it the
 * client never sends keepalives and never learns that the daemon went away (close callbacks).
 * It must be registered before the first connection opens.
 */
final class LibvirtEvents {

    /** Held here: JNA callbacks must stay reachable while libvirt may call them. */
    private static final ErrorCallback QUIET = new ErrorCallback();
    private static Thread loop;

    private LibvirtEvents() {}

    static synchronized void ensureRunning() {
        if (loop != null) {
            return;
        }
        try {
            // Errors reach the caller as exceptions; libvirt's default handler would also print them to stderr.
            Connect.setErrorCallback(QUIET);
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
