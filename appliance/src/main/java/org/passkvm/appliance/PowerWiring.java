package org.passkvm.appliance;

import com.pi4j.Pi4J;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passkvm.ipmi.IpmiServer;
import org.passkvm.ipmi.IpmiUserRoutes;
import org.passkvm.ipmi.IpmiUsers;
import org.passkvm.power.Atx;
import org.passkvm.redfish.RedfishService;
import org.passkvm.power.GpioAtx;
import org.passkvm.power.GpioPins;
import org.passkvm.power.PowerControl;
import org.passkvm.power.PowerRoutes;
import org.passkvm.power.PressTimings;
import org.passkvm.power.WakeOnLan;
import org.passkvm.simulator.DemoAtx;
import org.passkvm.web.Health;
import org.tinylog.Logger;

/**
 * Picks the ATX header (GPIO when pins are named, else the simulated target), and puts the power
 * actions behind REST, Redfish and IPMI over LAN.
 */
final class PowerWiring {

    enum Backend { AUTO, GPIO, DEMO }

    private PowerWiring() {}

    static void wire(Parts parts) throws IOException {
        Config atxConfig = parts.config().section("atx");
        Atx atx = parts.own(atx(parts, atxConfig));
        PressTimings timings = new PressTimings(
                atxConfig.millis("press_ms", 300, 50, 5_000),
                atxConfig.millis("long_press_ms", 5_500, 1_000, 30_000),
                atxConfig.millis("reset_press_ms", 300, 50, 5_000),
                atxConfig.millis("cycle_off_ms", 3_000, 0, 60_000));
        PowerControl power = parts.own(new PowerControl(atx, timings));
        Logger.info("ATX header: {}", atx.kind());

        WakeOnLan wol = wakeOnLan(parts.config().section("wol"));
        new PowerRoutes(power, wol).register(parts.web().api());
        ipmi(parts, power);
        new RedfishService(power, parts.web(), systemUuid(parts),
                parts.config().section("redfish").millis("session_timeout_ms", 1_800_000, 60_000, 86_400_000))
                .register(parts.web().api());
        parts.web().health().add("atx", () -> {
            var s = power.state();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("powerLed", s.on());
            details.put("hddLed", s.hddActive());
            details.put("wol", wol != null);
            return new Health.Capability(s.atx(), s.busy() != null ? "busy" : s.on() ? "on" : "off", details);
        });
    }

    private static void ipmi(Parts parts, PowerControl power) throws IOException {
        Config c = parts.config().section("ipmi");
        java.time.Duration timeout = c.millis("session_timeout_ms", 60_000, 5_000, 3_600_000);
        int maxSessions = c.integer("max_sessions", 16, 1, 256);
        int port = parts.options().ipmiPort();
        IpmiUsers users = new IpmiUsers(parts.dataDir(), parts.web().accounts());
        new IpmiUserRoutes(users, port).register(parts.web().api());
        if (port == 0) {
            Logger.info("IPMI over LAN is off (--ipmi-port 0)");
            return;
        }
        IpmiServer server;
        try {
            server = parts.own(new IpmiServer(parts.options().bind(), port, power, users, systemGuid(parts), timeout, maxSessions,
                    parts.web().gate().limiter()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the IPMI port", e);
        } catch (RuntimeException e) {
            throw new ConfigException("--ipmi-port: cannot listen on udp/" + port + ": " + e.getMessage());
        }
        parts.web().health().add("ipmi", () -> new Health.Capability("rmcp+", "listening",
                Map.of("port", server.port(), "sessions", server.activeSessions())));
    }

    /** A GUID that stays the same across restarts, as RAKP clients may remember it. */
    private static byte[] systemGuid(Parts parts) throws IOException {
        java.nio.file.Path file = parts.dataDir().resolve("system-guid");
        if (java.nio.file.Files.exists(file)) {
            String text = java.nio.file.Files.readString(file).trim();
            try {
                return guidBytes(java.util.UUID.fromString(text));
            } catch (IllegalArgumentException e) {
                Logger.warn("{} is not a UUID; making a new one", file);
            }
        }
        java.util.UUID uuid = java.util.UUID.randomUUID();
        org.passkvm.web.DataFiles.writeAtomically(file, (uuid + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return guidBytes(uuid);
    }

    private static byte[] guidBytes(java.util.UUID uuid) {
        return java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
    }

    /** The system GUID as text, shared with Redfish's UUID property. */
    static String systemUuid(Parts parts) throws IOException {
        byte[] b = systemGuid(parts);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
        return new java.util.UUID(bb.getLong(), bb.getLong()).toString();
    }

    private static Atx atx(Parts parts, Config c) {
        Backend backend = c.choice("backend", Backend.AUTO);
        GpioPins pins = new GpioPins(
                c.integer("power_pin", -1, -1, 63), c.bool("power_active_high", true),
                c.integer("reset_pin", -1, -1, 63), c.bool("reset_active_high", true),
                c.integer("power_led_pin", -1, -1, 63), c.bool("power_led_active_high", true),
                c.integer("hdd_led_pin", -1, -1, 63), c.bool("hdd_led_active_high", true),
                c.millis("debounce_ms", 20, 0, 1_000));
        if (backend == Backend.AUTO) {
            backend = pins.anyWired() ? Backend.GPIO : Backend.DEMO;
        }
        if (backend == Backend.DEMO) {
            return new DemoAtx(parts.simulator());
        }
        if (pins.powerButton() < 0 || pins.powerLed() < 0) {
            throw c.bad("power_pin", "GPIO needs at least atx.power_pin and atx.power_led_pin");
        }
        try {
            var context = Pi4J.newContextBuilder()
                    .add(com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider.newInstance(),
                            com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider.newInstance())
                    .build();
            return new GpioAtx(context, true, pins);
        } catch (RuntimeException | LinkageError e) {
            throw c.bad("backend", "GPIO could not be opened: " + e);
        }
    }

    private static WakeOnLan wakeOnLan(Config c) {
        String mac = c.string("mac", "");
        String broadcast = c.string("broadcast", "255.255.255.255");
        int port = c.integer("port", 9, 1, 65535);
        if (mac.isBlank()) {
            return null;
        }
        try {
            return new WakeOnLan(mac, broadcast, port);
        } catch (IllegalArgumentException e) {
            throw c.bad("mac", e.getMessage());
        }
    }
}
