package org.passkvm.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One YAML file of settings, read section by section by the part it configures. Every getter
 * takes the documented default, so an empty file is a valid configuration. Keys nobody asked for
 * are reported by {@link #rejectUnknownKeys()}: a typo must stop start-up, not be ignored.
 */
public final class Config {

    private final ObjectNode root;
    private final String prefix;
    private final Set<String> used;

    private Config(ObjectNode root, String prefix, Set<String> used) {
        this.root = root;
        this.prefix = prefix;
        this.used = used;
    }

    public static Config empty() {
        return new Config(JsonNodeFactory.instance.objectNode(), "", new TreeSet<>());
    }

    public static Config load(Path file) {
        try {
            // YAML 1.1 reads an unquoted off/on/yes/no as a boolean: "vm.uri: off" must stay the word off.
            YAMLFactory yaml = YAMLFactory.builder().enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();
            JsonNode node = new ObjectMapper(yaml).readTree(Files.readAllBytes(file));
            if (node == null || node.isMissingNode() || node.isNull()) {
                return empty();
            }
            if (!node.isObject()) {
                throw new ConfigException(file + ": the top level must be a mapping of sections");
            }
            return new Config((ObjectNode) node, "", new TreeSet<>());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(file + ": " + msg);
        }
    }

    /** A copy of the whole file with one setting ({@code section.sub.key}) set to {@code value}; null removes it. */
    public Config with(String dottedKey, JsonNode value) {
        ObjectNode copy = root.deepCopy();
        String[] parts = dottedKey.split("\\.");
        ObjectNode at = copy;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = at.get(parts[i]);
            if (!(next instanceof ObjectNode)) {
                next = at.putObject(parts[i]);
            }
            at = (ObjectNode) next;
        }
        if (value == null) {
            at.remove(parts[parts.length - 1]);
        } else {
            at.set(parts[parts.length - 1], value);
        }
        return new Config(copy, "", new TreeSet<>());
    }

    public Config section(String name) {
        String key = prefix + name;
        used.add(key);
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return new Config(JsonNodeFactory.instance.objectNode(), key + ".", used);
        }
        if (!node.isObject()) {
            throw new ConfigException(key + ": must be a section (a mapping of settings)");
        }
        return new Config((ObjectNode) node, key + ".", used);
    }

    public String string(String key, String def) {
        JsonNode n = value(key);
        if (n == null) {
            return def;
        }
        if (!n.isValueNode()) {
            throw bad(key, "must be a single value");
        }
        return n.asText();
    }

    public int integer(String key, int def, int min, int max) {
        JsonNode n = value(key);
        if (n == null) {
            return def;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw bad(key, "must be a whole number from " + min + " to " + max + ", got '" + n.asText() + "'");
        }
        int v = n.asInt();
        if (v < min || v > max) {
            throw bad(key, "must be from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    public boolean bool(String key, boolean def) {
        JsonNode n = value(key);
        if (n == null) {
            return def;
        }
        if (!n.isBoolean()) {
            throw bad(key, "must be true or false, got '" + n.asText() + "'");
        }
        return n.asBoolean();
    }

    /** One of the enum's constants, written in lower case in the file ("auto", "gadget", …). */
    public <E extends Enum<E>> E choice(String key, E def) {
        JsonNode n = value(key);
        if (n == null) {
            return def;
        }
        String text = n.asText().trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : def.getDeclaringClass().getEnumConstants()) {
            if (e.name().equals(text)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : def.getDeclaringClass().getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw bad(key, "must be one of " + String.join(", ", allowed) + ", got '" + n.asText() + "'");
    }

    public Duration millis(String key, long defMillis, long min, long max) {
        JsonNode n = value(key);
        if (n == null) {
            return Duration.ofMillis(defMillis);
        }
        if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            throw bad(key, "must be a number of milliseconds from " + min + " to " + max + ", got '" + n.asText() + "'");
        }
        return Duration.ofMillis(n.asLong());
    }

    public List<String> strings(String key, List<String> def) {
        JsonNode n = value(key);
        if (n == null) {
            return def;
        }
        if (!n.isArray()) {
            throw bad(key, "must be a list");
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    public boolean has(String key) {
        return root.has(key);
    }

    public ConfigException bad(String key, String problem) {
        return new ConfigException(prefix + key + ": " + problem);
    }

    /** Fails on the first key in the file that no part of PassKVM read. */
    public void rejectUnknownKeys() {
        List<String> unknown = new ArrayList<>();
        collect(root, prefix, unknown);
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown.get(0) + ": unknown setting (see docs/configuration.md)");
        }
    }

    private void collect(JsonNode node, String path, List<String> unknown) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            String key = path + name;
            if (!used.contains(key)) {
                unknown.add(key);
            } else if (node.get(name).isObject()) {
                collect(node.get(name), key + ".", unknown);
            }
        }
    }

    private JsonNode value(String key) {
        used.add(prefix + key);
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? null : n;
    }
}
