package org.passkvm.appliance.settings;

import java.util.HashMap;
import java.util.Map;
import org.passkvm.appliance.Config;
import org.passkvm.appliance.ConfigException;

/** The checked values of one section: what its part is built from. */
public final class Values {

    private final Config source;
    private final Map<Setting<?>, Object> values = new HashMap<>();
    private final Map<String, Values> sections = new HashMap<>();

    Values(Config source) {
        this.source = source;
    }

    void put(Setting<?> setting, Object value) {
        values.put(setting, value);
    }

    void putSection(String name, Values section) {
        sections.put(name, section);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting)) {
            throw new IllegalArgumentException(setting.key() + " is not declared in this section");
        }
        return (T) values.get(setting);
    }

    /** Whether the file gave this setting a value (rather than leaving it to its default). */
    public boolean has(Setting<?> setting) {
        return source.has(setting.key());
    }

    public Values section(String name) {
        Values v = sections.get(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is not a declared subsection");
        }
        return v;
    }

    /** A one-line refusal naming the key, e.g. {@code atx.power_pin: GPIO needs …}. */
    public ConfigException bad(Setting<?> setting, String problem) {
        return source.bad(setting.key(), problem);
    }

    public ConfigException bad(String key, String problem) {
        return source.bad(key, problem);
    }
}
