package org.passkvm.hid.keymap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one layout table (resource {@code layouts/<name>.keys}, format in {@code layouts/README}) into
 * key usage → the four levels' cells. A broken table is a build bug, so errors name the file and line.
 */
final class LayoutFile {

    /** A cell: 0 none, positive a character, negative a dead key whose accent is the negated character. */
    static final int NONE = 0;

    final String name;
    String title;
    final List<String> aliases = new ArrayList<>();
    /** Usage → cells for plain, Shift, AltGr, Shift+AltGr; in the file's order. */
    final Map<Integer, int[]> keys = new LinkedHashMap<>();

    private LayoutFile(String name) {
        this.name = name;
        this.title = name;
    }

    static List<String> index() {
        return lines("LAYOUTS").stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    static LayoutFile read(String name) {
        LayoutFile file = new LayoutFile(name);
        List<String> lines = lines(name + ".keys");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                file.parse(line);
            } catch (RuntimeException e) {
                throw new IllegalStateException("layout " + name + ".keys line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return file;
    }

    private void parse(String line) {
        String[] words = line.split("\\s+");
        switch (words[0]) {
            case "title" -> title = line.substring("title".length()).strip();
            case "aliases" -> aliases.addAll(List.of(words).subList(1, words.length));
            case "letters" -> {
                for (char c = 'a'; c <= 'z'; c++) {
                    keys.put(0x04 + c - 'a', new int[] {c, Character.toUpperCase(c), NONE, NONE});
                }
            }
            default -> {
                int usage = KeyCodes.usage(words[0])
                        .orElseThrow(() -> new IllegalArgumentException("unknown key code " + words[0]));
                if (words.length < 2 || words.length > 5) {
                    throw new IllegalArgumentException("a key line has 1 to 4 cells, got " + (words.length - 1));
                }
                int[] cells = new int[4];
                for (int level = 0; level + 1 < words.length; level++) {
                    cells[level] = cell(words[level + 1]);
                }
                keys.put(usage, cells);
            }
        }
    }

    private static int cell(String word) {
        if (word.codePointCount(0, word.length()) == 1) {
            return word.codePointAt(0);
        }
        if (word.equals("--")) {
            return NONE;
        }
        if (word.startsWith("U+")) {
            return Integer.parseInt(word.substring(2), 16);
        }
        if (word.startsWith("dead:") && word.codePointCount(0, word.length()) == 6) {
            int accent = word.codePointAt(5);
            if (!DeadKeys.known(accent)) {
                throw new IllegalArgumentException("no dead key for accent " + word.substring(5));
            }
            return -accent;
        }
        throw new IllegalArgumentException("a cell is one character, --, U+XXXX or dead:X; got '" + word + "'");
    }

    private static List<String> lines(String resource) {
        try (InputStream in = LayoutFile.class.getResourceAsStream("layouts/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing layout resource layouts/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read layouts/" + resource, e);
        }
    }
}
