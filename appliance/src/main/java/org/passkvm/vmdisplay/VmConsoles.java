package org.passkvm.vmdisplay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.passkvm.video.SourceException;
import org.passkvm.video.SourceState;
import org.passkvm.vm.DomainDefinition;
import org.passkvm.vm.DomainState;
import org.passkvm.vm.VmHost;
import org.passkvm.web.Refusal;

/**
 * The host's VMs whose screens PassKVM can show: running, with a VNC console on the host's loopback or a unix socket
 * (what every display mode but {@code none} writes). Reaches them through {@link SshTunnel} on the libvirt link's
 * identity, and tells why one cannot be shown: the VM is not running, or the host cannot be reached.
 */
final class VmConsoles {

    private final VmHost host;

    VmConsoles(VmHost host) {
        this.host = host;
    }

    /** Running VMs with a console PassKVM can reach, by name; empty while the host is unreachable. */
    List<String> running() {
        List<String> out = new ArrayList<>();
        try {
            for (String name : host.domainNames()) {
                try {
                    if (host.state(name).active() && DomainDefinition.parse(host.liveDefinition(name)).vncConsole() != null) {
                        out.add(name);
                    }
                } catch (Refusal e) {
                    // gone between the listing and the look: not running
                }
            }
        } catch (Refusal e) {
            return List.of();
        }
        return out;
    }

    VmDisplaySource.Connector connector(String vm) {
        return new VmDisplaySource.Connector() {
            @Override
            public Tunnel open() throws SourceException {
                DomainDefinition.VncConsole console;
                try {
                    requireRunning(vm);
                    console = DomainDefinition.parse(host.liveDefinition(vm)).vncConsole();
                } catch (Refusal e) {
                    throw why(e);
                }
                if (console == null) {
                    throw new SourceException(SourceState.NO_SIGNAL, vm + " has no VNC console on the host's loopback: "
                            + "give it the display mode virtio or qxl-spice and start it again");
                }
                try {
                    return SshTunnel.open(host.link().uri(), console);
                } catch (IOException | RuntimeException e) {
                    throw new SourceException(SourceState.HOST_UNREACHABLE, "cannot reach " + vm + "'s console: " + e.getMessage());
                }
            }

            @Override
            public SourceException lost(String detail) {
                try {
                    requireRunning(vm);
                    return new SourceException(SourceState.NO_SIGNAL, detail);
                } catch (SourceException e) {
                    return e;
                } catch (Refusal e) {
                    return why(e);
                }
            }

            private void requireRunning(String name) throws SourceException {
                DomainState state = host.state(name);
                if (!state.active()) {
                    throw new SourceException(SourceState.VM_STOPPED, name + " is " + state.label());
                }
            }

            private SourceException why(Refusal e) {
                if (e.kind() == Refusal.Kind.NOT_FOUND) {
                    return new SourceException(SourceState.VM_STOPPED, "there is no VM named " + vm + " any more");
                }
                if (e.kind() == Refusal.Kind.UNAVAILABLE) {
                    return new SourceException(SourceState.HOST_UNREACHABLE, e.getMessage());
                }
                return new SourceException(SourceState.ERROR, e.getMessage());
            }
        };
    }

    VmHost host() {
        return host;
    }
}
