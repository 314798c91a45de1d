package org.passkvm.appliance;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Values;
import org.passkvm.web.Health;

/**
 * One capability of the appliance (video, HID, ATX, media, VMs), kvmd-style: it declares its settings, names the
 * parts that can serve it (real ones, the demo one, the disabled one), resolves {@code auto} to one of them, and
 * starts that part, which registers its own routes and reports its own health. The {@link Registry} runs them.
 */
abstract class Capability {

    private final String name;
    private final Section settings;

    /** @param name the settings section, the health entry and the key in {@link Choices} */
    Capability(String name, Section settings) {
        this.name = name;
        this.settings = settings;
    }

    final String name() {
        return name;
    }

    final Section settings() {
        return settings;
    }

    /** The capabilities whose choice {@link #choose} or {@link #start} reads: the registry runs those first. */
    List<String> needs() {
        return List.of();
    }

    /** The part the settings ask for, with {@code auto} resolved (e.g. by what the kernel offers). */
    abstract String choose(Values settings, Choices chosen);

    /** Builds the chosen part, registers its routes, and returns what it reports to {@code /api/health}. */
    abstract Supplier<Health.Capability> start(String part, Values settings, Parts parts, Choices chosen) throws IOException;

    /** A part's name as settings and health show it: {@code GADGET} → {@code gadget}. */
    static String partName(Enum<?> choice) {
        return choice.name().toLowerCase(java.util.Locale.ROOT);
    }
}
