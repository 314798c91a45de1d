package org.passkvm.appliance.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.passkvm.appliance.Config;

/**
 * A section of the settings file as one part declares it: its settings, its subsections, and the rules that
 * concern several settings at once (checked with the rest, before anything starts).
 */
public final class Section {

    private final String name;
    private final String doc;
    private final List<Setting<?>> settings;
    private final List<Section> subsections;
    private final List<Consumer<Values>> rules;

    private Section(String name, String doc, List<Setting<?>> settings, List<Section> subsections, List<Consumer<Values>> rules) {
        this.name = name;
        this.doc = doc;
        this.settings = List.copyOf(settings);
        this.subsections = List.copyOf(subsections);
        this.rules = List.copyOf(rules);
    }

    public static Section of(String name, Setting<?>... settings) {
        return new Section(name, "", List.of(settings), List.of(), List.of());
    }

    /** The same section with a doc line shown next to its name. */
    public Section doc(String text) {
        return new Section(name, text, settings, subsections, rules);
    }

    public Section with(Section subsection) {
        List<Section> more = new ArrayList<>(subsections);
        more.add(subsection);
        return new Section(name, doc, settings, more, rules);
    }

    /** A rule over the section's values; it throws {@link Values#bad} to refuse them. */
    public Section rule(Consumer<Values> rule) {
        List<Consumer<Values>> more = new ArrayList<>(rules);
        more.add(rule);
        return new Section(name, doc, settings, subsections, more);
    }

    public String name() {
        return name;
    }

    public String doc() {
        return doc;
    }

    public List<Setting<?>> settings() {
        return settings;
    }

    public List<Section> subsections() {
        return subsections;
    }

    /** Reads and checks every declared setting of this section (and its subsections) from its part of the file. */
    Values read(Config parent) {
        Config own = parent.section(name);
        Values values = new Values(own);
        for (Setting<?> s : settings) {
            values.put(s, s.read(own));
        }
        for (Section sub : subsections) {
            values.putSection(sub.name, sub.read(own));
        }
        rules.forEach(r -> r.accept(values));
        return values;
    }
}
