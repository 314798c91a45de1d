package org.passkvm.appliance.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passkvm.appliance.Config;

/**
 * Every section the appliance declares, in the order the docs show them. {@link #read} checks a whole file against
 * it before any part starts: the first wrong value or unknown key stops start-up with one line naming it.
 */
public final class Schema {

    private final List<Section> sections;

    public Schema(List<Section> sections) {
        this.sections = List.copyOf(sections);
    }

    public List<Section> sections() {
        return sections;
    }

    public Settings read(Config file) {
        Map<String, Values> values = new LinkedHashMap<>();
        for (Section s : sections) {
            values.put(s.name(), s.read(file));
        }
        file.rejectUnknownKeys();
        return new Settings(values);
    }

    /** The checked file: one {@link Values} per top-level section. */
    public record Settings(Map<String, Values> sections) {
        public Values section(String name) {
            Values v = sections.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no settings section " + name);
            }
            return v;
        }
    }

    /** The settings as docs/configuration.md shows them: a YAML block of every key with its default and doc. */
    public String yaml() {
        StringBuilder sb = new StringBuilder();
        for (Section s : sections) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            render(s, "", sb);
        }
        return sb.toString();
    }

    private static void render(Section s, String indent, StringBuilder sb) {
        line(sb, indent + s.name() + ":", s.doc());
        String inner = indent + "  ";
        for (Setting<?> setting : s.settings()) {
            line(sb, inner + setting.key() + ": " + setting.shownDefault(), setting.doc());
        }
        for (Section sub : s.subsections()) {
            render(sub, inner, sb);
        }
    }

    private static void line(StringBuilder sb, String text, String doc) {
        sb.append(text);
        if (!doc.isEmpty()) {
            sb.append(" ".repeat(Math.max(1, 33 - text.length()))).append("# ").append(doc);
        }
        sb.append('\n');
    }
}
