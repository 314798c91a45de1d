package org.passkvm.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.passkvm.appliance.settings.Schema;
import org.passkvm.appliance.settings.Setting;
import org.passkvm.appliance.settings.Values;
import org.passkvm.files.DataFiles;
import org.passkvm.hid.jiggle.Jiggler;
import org.passkvm.web.Api;
import org.passkvm.web.Json;
import org.passkvm.web.Refusal;
import org.passkvm.web.Role;

/**
 * Settings an admin changes at run time (the Settings panel): kept in {@code <data>/settings-overrides.json} on top
 * of the settings file (the image's root is read-only), written whole through a temporary file and an atomic rename,
 * checked the way start-up checks the file, applied at once where the part can take it and otherwise at the next
 * start (the answer says which). Each change is audited, as every API change is.
 * {@code GET /api/settings/runtime}, {@code PUT /api/settings/runtime} {@code {"key": "hid.jiggler", "value": true}}
 * ({@code "value": null} returns the setting to the file's value).
 */
final class RuntimeSettings {

    static final String FILE = "settings-overrides.json";

    /** One setting the panel offers; {@code live} when a change takes effect without a restart. */
    record Editable(String key, Setting<?> setting, String label, boolean live) {}

    static final List<Editable> EDITABLE = List.of(
            new Editable("video.quality", VideoCapability.QUALITY, "Stream JPEG quality (1–100)", false),
            new Editable("video.max_fps", VideoCapability.MAX_FPS, "Frame rate cap (fps)", false),
            new Editable("video.h264.bitrate_kbps", VideoCapability.BITRATE, "H.264 bitrate (kbit/s)", false),
            new Editable("video.h264.gop", VideoCapability.GOP, "H.264 keyframe interval (frames)", false),
            new Editable("hid.keyboard_layout", HidCapability.LAYOUT, "Default keyboard layout (paste, keys)", false),
            new Editable("hid.jiggler", HidCapability.JIGGLER, "Mouse jiggler on", true),
            new Editable("hid.jiggler_interval_s", HidCapability.JIGGLER_INTERVAL, "Jiggler interval (s)", true),
            new Editable("vnc.port", VncCapability.PORT, "VNC server TCP port (0 = off)", false),
            new Editable("ipmi.enabled", PowerCapability.IPMI_ENABLED, "IPMI over LAN on", false));

    private final Path dataDir;
    private final Config base;
    private final Schema.Settings running;
    private final Parts parts;
    private final Map<String, JsonNode> overrides;

    private RuntimeSettings(Path dataDir, Config base, Schema.Settings running, Parts parts) {
        this.dataDir = dataDir;
        this.base = base;
        this.running = running;
        this.parts = parts;
        this.overrides = read(dataDir);
    }

    /** The settings file with the stored overrides on top: what start-up reads. */
    static Config withOverrides(Path dataDir, Config file) {
        Config c = file;
        for (Map.Entry<String, JsonNode> e : read(dataDir).entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return c;
    }

    /** Registers the routes; {@code file} is the settings file without overrides, {@code running} what started. */
    static void register(Api api, Path dataDir, Config file, Schema.Settings running, Parts parts) {
        RuntimeSettings s = new RuntimeSettings(dataDir, file, running, parts);
        api.get("/api/settings/runtime", Role.ADMIN, ctx -> ctx.json(Map.of("settings", s.describe())));
        api.put("/api/settings/runtime", Role.ADMIN, s::change);
    }

    private synchronized List<Map<String, Object>> describe() {
        Schema.Settings wanted = Appliance.SCHEMA.read(merged(overrides));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Editable e : EDITABLE) {
            Object value = valueOf(wanted, e);
            Object now = e.live() ? value : valueOf(running, e);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", e.key());
            m.put("label", e.label());
            m.put("value", value);
            m.put("overridden", overrides.containsKey(e.key()));
            m.put("live", e.live());
            m.put("restartPending", !Objects.equals(value, now));
            m.put("type", value instanceof Boolean ? "boolean" : value instanceof Integer ? "integer" : "text");
            out.add(m);
        }
        return out;
    }

    record Change(String key, JsonNode value) {}

    private synchronized void change(Context ctx) {
        Change c = Json.read(ctx, Change.class);
        Editable e = EDITABLE.stream().filter(x -> x.key().equals(c.key())).findFirst()
                .orElseThrow(() -> Refusal.invalid("key must be one of " + EDITABLE.stream().map(Editable::key).toList()));
        Map<String, JsonNode> next = new TreeMap<>(overrides);
        if (c.value() == null || c.value().isNull()) {
            next.remove(e.key());
        } else {
            next.put(e.key(), c.value());
        }
        Schema.Settings checked;
        try {
            checked = Appliance.SCHEMA.read(merged(next)); // refused exactly as start-up would refuse it
        } catch (ConfigException ex) {
            throw Refusal.invalid(ex.getMessage());
        }
        write(next);
        overrides.clear();
        overrides.putAll(next);
        if (e.live()) {
            applyLive(checked);
        }
        describe().stream().filter(m -> m.get("key").equals(e.key())).findFirst().ifPresent(ctx::json);
    }

    private void applyLive(Schema.Settings s) {
        Optional<Jiggler> jiggler = parts.provided(Jiggler.class);
        Values hid = s.section("hid");
        jiggler.ifPresent(j -> j.set(hid.get(HidCapability.JIGGLER), hid.get(HidCapability.JIGGLER_INTERVAL)));
    }

    private Config merged(Map<String, JsonNode> with) {
        Config c = base;
        for (Map.Entry<String, JsonNode> e : with.entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return c;
    }

    private static Object valueOf(Schema.Settings s, Editable e) {
        String[] path = e.key().split("\\.");
        Values v = s.section(path[0]);
        for (int i = 1; i < path.length - 1; i++) {
            v = v.section(path[i]);
        }
        return v.get(e.setting());
    }

    private static Map<String, JsonNode> read(Path dataDir) {
        Path f = dataDir.resolve(FILE);
        Map<String, JsonNode> m = new TreeMap<>();
        if (!Files.exists(f)) {
            return m;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(f.toFile());
            if (root instanceof ObjectNode o) {
                o.fields().forEachRemaining(e -> {
                    if (EDITABLE.stream().anyMatch(x -> x.key().equals(e.getKey()))) {
                        m.put(e.getKey(), e.getValue());
                    }
                });
            }
            return m;
        } catch (IOException e) {
            throw new ConfigException(f + ": " + e.getMessage());
        }
    }

    private void write(Map<String, JsonNode> all) {
        Path f = dataDir.resolve(FILE);
        try {
            ObjectNode o = Json.MAPPER.createObjectNode();
            all.forEach(o::set);
            DataFiles.writeAtomically(f, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }
}
