package org.passkvm.appliance;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.Typist;
import org.passkvm.power.PowerControl;
import org.passkvm.video.stream.VideoStream;
import org.passkvm.vnc.VncPasswords;
import org.passkvm.vnc.VncServer;
import org.passkvm.vnc.VncWebSocket;
import org.passkvm.vnc.NoVncFiles;
import org.passkvm.web.Health;
import org.tinylog.Logger;

/**
 * The VNC server: the video capability's picture and the HID capability's input for standard viewers. It adds a port
 * and a password per user, nothing else: with video off it has nothing to show and is off too.
 */
final class VncCapability extends Capability {

    static final Setting<Integer> PORT = Setting.integer("port", 5900, 0, 65535, "TCP port; 0 = off");
    static final Setting<Integer> MAX_CLIENTS = Setting.integer("max_clients", 8, 1, 64, "connections at once, logged in or not");
    static final Setting<String> NOVNC_DIR = Setting.text("novnc_dir", "/usr/share/novnc",
            "a noVNC served at /novnc/ to logged-in users (Debian's novnc package), for the VNC WebSocket /api/vnc/ws");
    static final Section SETTINGS = Section.of("vnc", PORT, MAX_CLIENTS, NOVNC_DIR)
            .doc("each user turns VNC on for themselves and gets a VNC password of their own (docs/vnc.md)");

    VncCapability() {
        super("vnc", SETTINGS);
    }

    @Override
    List<String> needs() {
        return List.of("video", "hid", "atx");
    }

    @Override
    String choose(Values vnc, Choices chosen) {
        return vnc.get(PORT) == 0 || chosen.of("video").equals("off") ? "off" : "rfb";
    }

    @Override
    Supplier<Health.Capability> start(String part, Values vnc, Parts parts, Choices chosen) throws IOException {
        if (part.equals("off")) {
            String why = vnc.get(PORT) == 0 ? "VNC is off (vnc.port: 0)" : "VNC is off: there is no picture (video.source: off)";
            return OffRoutes.register(parts.web().api(), "vnc", why, "/api/vnc");
        }
        VncPasswords passwords = new VncPasswords(parts.dataDir(), parts.web().accounts());
        int port = vnc.get(PORT);
        passwords.routes(port).register(parts.web().api());
        VncServer.Target target = new VncServer.Target(parts.provided(VideoStream.class).orElseThrow(),
                parts.provided(HidInput.class).orElse(null), parts.provided(Typist.class).orElse(null),
                parts.provided(Layout.class).orElse(Layout.byName("us")), parts.provided(PowerControl.class).orElse(null));
        // The server (Netty's event loops, the VeNCrypt TLS context) is the slowest part to start, and no one needs
        // it before the console answers: it opens its port right after.
        Later<VncServer> server = parts.later("VNC", () -> {
            try {
                VncServer started = parts.own(new VncServer(new VncServer.Listen(parts.options().bind(), port,
                        vnc.get(MAX_CLIENTS), "PassKVM"), target, passwords, parts.web().accounts(),
                        parts.web().certificate().keyStore(), parts.web().gate().limiter()));
                parts.provided(org.passkvm.video.stream.H264Stream.class).ifPresent(started::offerH264);
                return started;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // Another VNC server on this box must not take the console down with it: health says why.
                throw new IOException("cannot listen on tcp/" + port + ": " + e.getMessage(), e);
            }
        });
        parts.web().revocations().onRevoke(user -> {
            VncServer s = server.get();
            if (s != null) {
                s.endSessionsOf(user);
            }
        });
        new VncWebSocket(server::get).register(parts.web().api());
        new NoVncFiles(java.nio.file.Path.of(vnc.get(NOVNC_DIR))).register(parts.web().api());
        return () -> switch (server.state()) {
            case STARTING -> new Health.Capability("rfb", "starting", Map.of("port", port));
            case FAILED -> new Health.Capability("rfb", "error", Map.of("detail", server.failure(), "port", port));
            case READY -> new Health.Capability("rfb", "listening", Map.of("port", server.get().port(), "clients", server.get().clients()));
        };
    }
}
