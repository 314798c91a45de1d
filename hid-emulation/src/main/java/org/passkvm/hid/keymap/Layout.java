package org.passkvm.hid.keymap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A host keyboard layout: which keys, with which modifiers, type a character (for paste), and the reverse
 * (for the simulated target, see {@link #decoder()}). Built from the tables in {@code layouts/}; immutable.
 */
public final class Layout {

    static final int LEVELS = 4;
    private static final int SPACE = 0x2C;
    private static final int ENTER = 0x28;
    private static final int TAB = 0x2B;
    private static final int[] LEVEL_MODIFIERS = {0, Keystroke.SHIFT, Keystroke.ALTGR, Keystroke.SHIFT | Keystroke.ALTGR};

    private final String name;
    private final String title;
    private final List<String> aliases;
    /** [usage * LEVELS + level] → cell as in {@link LayoutFile}. */
    private final int[] cells = new int[256 * LEVELS];
    /** Caps Lock acts as Shift on this key: its Shift level is the upper case of its plain level. */
    private final boolean[] capsLocks = new boolean[256];
    /** Character → the keystrokes that type it with the fewest modifiers, direct keys before dead keys. */
    private final Map<Integer, List<Keystroke>> strokes = new HashMap<>();

    private Layout(LayoutFile file) {
        this.name = file.name;
        this.title = file.title;
        this.aliases = List.copyOf(file.aliases);
        file.keys.putIfAbsent(SPACE, new int[] {' ', ' ', 0, 0});
        file.keys.forEach((usage, levels) -> {
            System.arraycopy(levels, 0, cells, usage * LEVELS, LEVELS);
            capsLocks[usage] = Character.isLetter(levels[0]) && levels[1] == Character.toUpperCase(levels[0])
                    && levels[1] != levels[0];
        });
        strokes.put((int) '\n', List.of(new Keystroke(ENTER, 0)));
        strokes.put((int) '\t', List.of(new Keystroke(TAB, 0)));
        for (int level = 0; level < LEVELS; level++) {
            for (int usage : file.keys.keySet()) {
                int c = cell(usage, level);
                if (c > 0) {
                    strokes.putIfAbsent(c, List.of(new Keystroke(usage, LEVEL_MODIFIERS[level])));
                }
            }
        }
        addDeadKeyCompositions(file);
    }

    private void addDeadKeyCompositions(LayoutFile file) {
        Map<Integer, List<Keystroke>> direct = new LinkedHashMap<>(strokes);
        for (int level = 0; level < LEVELS; level++) {
            for (int usage : file.keys.keySet()) {
                int c = cell(usage, level);
                if (c >= 0) {
                    continue;
                }
                Keystroke dead = new Keystroke(usage, LEVEL_MODIFIERS[level]);
                direct.forEach((base, baseStrokes) -> {
                    int composed = DeadKeys.compose(-c, base);
                    if (composed != 0) {
                        List<Keystroke> both = new ArrayList<>(2);
                        both.add(dead);
                        both.addAll(baseStrokes);
                        strokes.putIfAbsent(composed, List.copyOf(both));
                    }
                });
            }
        }
    }

    // ---- the registry ----

    private static final class Registry {
        static final Map<String, Layout> BY_NAME = new LinkedHashMap<>();
        static final Map<String, Layout> BY_ANY_NAME = new HashMap<>();

        static {
            for (String name : LayoutFile.index()) {
                Layout layout = new Layout(LayoutFile.read(name));
                BY_NAME.put(name, layout);
                BY_ANY_NAME.put(name, layout);
                layout.aliases.forEach(a -> BY_ANY_NAME.put(a.toLowerCase(Locale.ROOT), layout));
            }
        }
    }

    /** The layout with this name or alias (case-insensitive, "ch_de" = "ch-de"). */
    public static Optional<Layout> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(Registry.BY_ANY_NAME.get(name.strip().toLowerCase(Locale.ROOT).replace('_', '-')));
    }

    /** Like {@link #find} but throws an IllegalArgumentException that lists the known layouts. */
    public static Layout byName(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown keyboard layout '" + name + "'; known: " + String.join(", ", Registry.BY_NAME.keySet())));
    }

    /** Every layout, in the order the console lists them. */
    public static List<Layout> all() {
        return List.copyOf(Registry.BY_NAME.values());
    }

    // ---- one layout ----

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    public List<String> aliases() {
        return aliases;
    }

    /** The keystrokes that type this character (one, or a dead key and one), or empty if this layout cannot. */
    public Optional<List<Keystroke>> strokes(int codePoint) {
        return Optional.ofNullable(strokes.get(codePoint));
    }

    public boolean canType(int codePoint) {
        return strokes.containsKey(codePoint);
    }

    /** Every character this layout can type, sorted. */
    public SortedSet<Integer> typeable() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(strokes.keySet()));
    }

    /** Every character of {@code text} this layout cannot type, in order. A CR LF or lone CR counts as Enter. */
    public List<UntypableChar> untypable(CharSequence text) {
        List<UntypableChar> found = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int c = Character.codePointAt(text, i);
            if (c != '\r' && !canType(c)) {
                found.add(new UntypableChar(i, c));
            }
            i += Character.charCount(c);
        }
        return found;
    }

    /**
     * What each key types, for an on-screen keyboard: W3C code → the plain, Shift, AltGr and Shift+AltGr characters
     * ("" for none; a dead key shows its accent followed by U+25CC, the dotted circle it sits on).
     */
    public Map<String, List<String>> legend() {
        Map<String, List<String>> legend = new java.util.TreeMap<>();
        KeyCodes.all().forEach((code, usage) -> {
            List<String> levels = new ArrayList<>(LEVELS);
            boolean any = false;
            for (int level = 0; level < LEVELS; level++) {
                int c = cells[usage * LEVELS + level]; // no Backslash/IntlHash fallback: only the keys this keyboard has
                any |= c != 0;
                levels.add(c == 0 ? "" : c > 0 ? new String(Character.toChars(c)) : new String(Character.toChars(-c)) + "\u25CC");
            }
            if (any && usage != SPACE) {
                legend.put(code, List.copyOf(levels));
            }
        });
        return legend;
    }

    /** A new decoder (it keeps a pending dead key, so each keyboard needs its own). */
    public KeystrokeDecoder decoder() {
        return new KeystrokeDecoder(this);
    }

    /** The cell of a key at a level; the US backslash key and the ISO hash key are one key to the hosts. */
    int cell(int usage, int level) {
        if (usage < 0 || usage > 0xFF) {
            return 0;
        }
        int c = cells[usage * LEVELS + level];
        if (c == 0 && (usage == 0x31 || usage == 0x32)) {
            c = cells[(usage ^ 0x03) * LEVELS + level];
        }
        return c;
    }

    boolean capsLockShifts(int usage) {
        if (usage == 0x31 || usage == 0x32) {
            return capsLocks[0x31] || capsLocks[0x32];
        }
        return usage >= 0 && usage <= 0xFF && capsLocks[usage];
    }

    @Override
    public String toString() {
        return "Layout[" + name + "]";
    }
}
