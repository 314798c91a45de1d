package org.passkvm.appliance.settings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.passkvm.appliance.Config;

/**
 * One key of a settings section: its type, default, allowed values and a one-line doc. A setting reads itself from
 * its section of the file, so a wrong value stops start-up with one line naming the key and what is allowed.
 *
 * @param <T> what the part gets
 */
public final class Setting<T> {

    private final String key;
    private final Function<Config, T> reader;
    private final String shown;
    private final String doc;
    private final Function<T, String> check;

    private Setting(String key, Function<Config, T> reader, String shown, String doc, Function<T, String> check) {
        this.key = key;
        this.reader = reader;
        this.shown = shown;
        this.doc = doc;
        this.check = check;
    }

    public static Setting<String> text(String key, String def, String doc) {
        return new Setting<>(key, c -> c.string(key, def), def.isEmpty() ? "\"\"" : def, doc, v -> null);
    }

    public static Setting<Integer> integer(String key, int def, int min, int max, String doc) {
        return new Setting<>(key, c -> c.integer(key, def, min, max), Integer.toString(def), doc, v -> null);
    }

    public static Setting<Boolean> flag(String key, boolean def, String doc) {
        return new Setting<>(key, c -> c.bool(key, def), Boolean.toString(def), doc, v -> null);
    }

    public static Setting<Duration> millis(String key, long def, long min, long max, String doc) {
        return new Setting<>(key, c -> c.millis(key, def, min, max), Long.toString(def), doc, v -> null);
    }

    /** One of the enum's constants, written in lower case ({@code auto}, {@code gadget}, …). */
    public static <E extends Enum<E>> Setting<E> choice(String key, E def, String doc) {
        String values = Arrays.stream(def.getDeclaringClass().getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(" | "));
        return new Setting<>(key, c -> c.choice(key, def), def.name().toLowerCase(Locale.ROOT),
                doc.isEmpty() ? values : values + "  (" + doc + ")", v -> null);
    }

    public static Setting<List<String>> list(String key, List<String> def, String doc) {
        return new Setting<>(key, c -> c.strings(key, def), def.isEmpty() ? "[]" : def.toString(), doc, v -> null);
    }

    /** The same setting, with its default shown differently in the docs (a hex id, a path under the data dir). */
    public Setting<T> shown(String text) {
        return new Setting<>(key, reader, text, doc, check);
    }

    /** The same setting, refusing values for which {@code problem} returns a message (null: fine). */
    public Setting<T> check(Function<T, String> problem) {
        return new Setting<>(key, reader, shown, doc, problem);
    }

    public String key() {
        return key;
    }

    public String doc() {
        return doc;
    }

    /** The default as docs/configuration.md shows it. */
    public String shownDefault() {
        return shown;
    }

    T read(Config section) {
        T value = reader.apply(section);
        String problem = check.apply(value);
        if (problem != null) {
            throw section.bad(key, problem);
        }
        return value;
    }
}
