package org.passkvm.appliance;

import com.pi4j.Pi4J;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.ipmi.IpmiServer;
import org.passkvm.ipmi.IpmiUserRoutes;
import org.passkvm.ipmi.IpmiUsers;
import org.passkvm.power.Atx;
import org.passkvm.power.GpioAtx;
import org.passkvm.power.GpioPins;
import org.passkvm.power.PowerControl;
import org.passkvm.power.PowerRoutes;
import org.passkvm.power.PressTimings;
import org.passkvm.power.WakeOnLan;
import org.passkvm.redfish.RedfishService;
import org.passkvm.simulator.DemoAtx;
import org.passkvm.web.Health;
import org.tinylog.Logger;

/**
 * Picks the ATX header (GPIO when pins are named, else the simulated target), and puts the power
 * actions behind REST, Redfish and IPMI over LAN.
 */
final class PowerCapability extends Capability {

    enum Backend { AUTO, GPIO, DEMO, OFF }

    static final Setting<Backend> BACKEND = Setting.choice("backend", Backend.AUTO, "auto: gpio only when pins are named; never guessed");
    static final Setting<Integer> POWER_PIN = Setting.integer("power_pin", -1, -1, 63, "BCM GPIO numbers; -1 = not wired");
    static final Setting<Boolean> POWER_ACTIVE_HIGH = Setting.flag("power_active_high", true, "");
    static final Setting<Integer> RESET_PIN = Setting.integer("reset_pin", -1, -1, 63, "");
    static final Setting<Boolean> RESET_ACTIVE_HIGH = Setting.flag("reset_active_high", true, "");
    static final Setting<Integer> POWER_LED_PIN = Setting.integer("power_led_pin", -1, -1, 63, "");
    static final Setting<Boolean> POWER_LED_ACTIVE_HIGH = Setting.flag("power_led_active_high", true, "");
    static final Setting<Integer> HDD_LED_PIN = Setting.integer("hdd_led_pin", -1, -1, 63, "");
    static final Setting<Boolean> HDD_LED_ACTIVE_HIGH = Setting.flag("hdd_led_active_high", true, "");
    static final Setting<Duration> DEBOUNCE = Setting.millis("debounce_ms", 20, 0, 1_000, "");
    static final Setting<Duration> PRESS = Setting.millis("press_ms", 300, 50, 5_000, "short press (on, graceful off)");
    static final Setting<Duration> LONG_PRESS = Setting.millis("long_press_ms", 5_500, 1_000, 30_000, "hard off");
    static final Setting<Duration> RESET_PRESS = Setting.millis("reset_press_ms", 300, 50, 5_000, "");
    static final Setting<Duration> CYCLE_OFF = Setting.millis("cycle_off_ms", 3_000, 0, 60_000, "pause between off and on in a power cycle");

    static final Section ATX = Section.of("atx", BACKEND, POWER_PIN, POWER_ACTIVE_HIGH, RESET_PIN, RESET_ACTIVE_HIGH, POWER_LED_PIN,
            POWER_LED_ACTIVE_HIGH, HDD_LED_PIN, HDD_LED_ACTIVE_HIGH, DEBOUNCE, PRESS, LONG_PRESS, RESET_PRESS, CYCLE_OFF)
            .rule(atx -> {
                GpioPins pins = pins(atx);
                if (backend(atx) == Backend.GPIO && (pins.powerButton() < 0 || pins.powerLed() < 0)) {
                    throw atx.bad(POWER_PIN, "GPIO needs at least atx.power_pin and atx.power_led_pin");
                }
            });

    static final Setting<String> MAC = Setting.text("mac", "", "the target's MAC for Wake-on-LAN; \"\" = off");
    static final Setting<String> BROADCAST = Setting.text("broadcast", "255.255.255.255", "");
    static final Setting<Integer> WOL_PORT = Setting.integer("port", 9, 1, 65535, "");
    static final Section WOL = Section.of("wol", MAC, BROADCAST, WOL_PORT).rule(PowerCapability::wakeOnLan);

    static final Setting<Duration> REDFISH_SESSION_TIMEOUT = Setting.millis("session_timeout_ms", 1_800_000, 60_000, 86_400_000, "");
    static final Section REDFISH = Section.of("redfish", REDFISH_SESSION_TIMEOUT);

    static final Setting<Duration> IPMI_SESSION_TIMEOUT = Setting.millis("session_timeout_ms", 60_000, 5_000, 3_600_000, "");
    static final Setting<Integer> IPMI_MAX_SESSIONS = Setting.integer("max_sessions", 16, 1, 256,
            "established sessions; half-made handshakes have their own bound (SECURITY.md)");
    static final Setting<Boolean> IPMI_ENABLED = Setting.flag("enabled", true,
            "IPMI over LAN; false turns it off as --ipmi-port 0 does (the Settings panel's switch)");
    static final Section IPMI = Section.of("ipmi", IPMI_ENABLED, IPMI_SESSION_TIMEOUT, IPMI_MAX_SESSIONS)
            .doc("the UDP port is --ipmi-port (0 = off)");

    PowerCapability() {
        super("atx", ATX);
    }

    @Override
    String choose(Values atx, Choices chosen) {
        return partName(backend(atx));
    }

    /** The ATX header, and the power actions behind REST, Redfish and IPMI over LAN, whichever header it is. */
    @Override
    Supplier<Health.Capability> start(String part, Values atxValues, Parts parts, Choices chosen) throws IOException {
        if (part.equals("off")) {
            // No header, so no power control by any protocol: REST answers why; Redfish and IPMI are not served.
            return OffRoutes.register(parts.web().api(), "atx", "power control is off (atx.backend: off)", "/api/power", "/api/ipmi");
        }
        Atx atx = parts.own(part.equals("gpio") ? gpio(atxValues) : new DemoAtx(parts.simulator()));
        PressTimings timings = new PressTimings(atxValues.get(PRESS), atxValues.get(LONG_PRESS), atxValues.get(RESET_PRESS),
                atxValues.get(CYCLE_OFF));
        PowerControl power = parts.own(new PowerControl(atx, timings));
        parts.provide(PowerControl.class, power);

        WakeOnLan wol = wakeOnLan(parts.settings().section("wol"));
        new PowerRoutes(power, wol).register(parts.web().api());
        ipmi(parts, power);
        new RedfishService(power, parts.web(), systemUuid(parts),
                parts.settings().section("redfish").get(REDFISH_SESSION_TIMEOUT))
                .register(parts.web().api());
        return () -> {
            var s = power.state();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("powerLed", s.on());
            details.put("hddLed", s.hddActive());
            details.put("wol", wol != null);
            return new Health.Capability(s.atx(), s.busy() != null ? "busy" : s.on() ? "on" : "off", details);
        };
    }

    private static void ipmi(Parts parts, PowerControl power) throws IOException {
        Values c = parts.settings().section("ipmi");
        Duration timeout = c.get(IPMI_SESSION_TIMEOUT);
        int maxSessions = c.get(IPMI_MAX_SESSIONS);
        int port = c.get(IPMI_ENABLED) ? parts.options().ipmiPort() : 0;
        IpmiUsers users = new IpmiUsers(parts.dataDir(), parts.web().accounts());
        IpmiUserRoutes.of(users, port).register(parts.web().api());
        if (port == 0) {
            Logger.info(c.get(IPMI_ENABLED) ? "IPMI over LAN is off (--ipmi-port 0)" : "IPMI over LAN is off (ipmi.enabled: false)");
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
        parts.web().revocations().onRevoke(server::endSessionsOf);
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
        org.passkvm.files.DataFiles.writeAtomically(file, (uuid + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

    private static GpioPins pins(Values c) {
        return new GpioPins(c.get(POWER_PIN), c.get(POWER_ACTIVE_HIGH), c.get(RESET_PIN), c.get(RESET_ACTIVE_HIGH),
                c.get(POWER_LED_PIN), c.get(POWER_LED_ACTIVE_HIGH), c.get(HDD_LED_PIN), c.get(HDD_LED_ACTIVE_HIGH), c.get(DEBOUNCE));
    }

    private static Backend backend(Values c) {
        Backend backend = c.get(BACKEND);
        return backend == Backend.AUTO ? (pins(c).anyWired() ? Backend.GPIO : Backend.DEMO) : backend;
    }

    private static Atx gpio(Values c) {
        try {
            var context = Pi4J.newContextBuilder()
                    .add(com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider.newInstance(),
                            com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider.newInstance())
                    .build();
            return new GpioAtx(context, true, pins(c));
        } catch (RuntimeException | LinkageError e) {
            throw c.bad(BACKEND, "GPIO could not be opened: " + e);
        }
    }

    private static WakeOnLan wakeOnLan(Values c) {
        String mac = c.get(MAC);
        if (mac.isBlank()) {
            return null;
        }
        try {
            return new WakeOnLan(mac, c.get(BROADCAST), c.get(WOL_PORT));
        } catch (IllegalArgumentException e) {
            throw c.bad(MAC, e.getMessage());
        }
    }
}
