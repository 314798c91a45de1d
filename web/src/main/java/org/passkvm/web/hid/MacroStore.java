package org.passkvm.web.hid;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.passkvm.files.DataFiles;
import org.passkvm.hid.macro.MacroScript;
import org.passkvm.web.Json;

/**
 * Each user's macros, one JSON file per user in {@code <data>/macros/}, rewritten whole through a temporary file and
 * an atomic rename: a power cut leaves the old file or the new one, never half of one.
 */
public final class MacroStore {

    /** A stored macro: its text, and the digit of its Ctrl+Alt+digit chord in the console (0 = none). */
    public record Macro(String name, String script, int hotkey) {}

    static final int MAX_MACROS = 100;
    static final int MAX_SCRIPT_CHARS = 64 * 1024;

    private final Path dir;

    public MacroStore(Path dataDir) {
        this.dir = dataDir.resolve("macros");
    }

    public synchronized List<Macro> list(String user) {
        return List.copyOf(read(user).values());
    }

    public synchronized java.util.Optional<Macro> get(String user, String name) {
        return java.util.Optional.ofNullable(read(user).get(name));
    }

    /** Checks and stores a macro (replacing one of that name); a hotkey taken by another macro moves to this one. */
    public synchronized Macro put(String user, Macro m) {
        if (m.name() == null || !m.name().matches("[\\p{L}\\p{N} ._-]{1,60}")) {
            throw new IllegalArgumentException("name must be 1 to 60 letters, digits, spaces, '.', '_' or '-'");
        }
        if (m.name().equals("run")) {
            throw new IllegalArgumentException("'run' names the running macro in the API: choose another name");
        }
        if (m.script() != null && m.script().length() > MAX_SCRIPT_CHARS) {
            throw new IllegalArgumentException("a macro is at most " + MAX_SCRIPT_CHARS + " characters");
        }
        MacroScript.parse(m.script());
        if (m.hotkey() < 0 || m.hotkey() > 9) {
            throw new IllegalArgumentException("hotkey must be a digit 1..9 (Ctrl+Alt+digit) or 0 for none");
        }
        Map<String, Macro> all = read(user);
        if (!all.containsKey(m.name()) && all.size() >= MAX_MACROS) {
            throw new IllegalArgumentException("at most " + MAX_MACROS + " macros per user");
        }
        if (m.hotkey() != 0) {
            all.replaceAll((k, v) -> v.hotkey() == m.hotkey() ? new Macro(v.name(), v.script(), 0) : v);
        }
        all.put(m.name(), m);
        write(user, all);
        return m;
    }

    public synchronized boolean delete(String user, String name) {
        Map<String, Macro> all = read(user);
        if (all.remove(name) == null) {
            return false;
        }
        write(user, all);
        return true;
    }

    /** A user name as a file name that cannot climb out of the directory: hex when it is anything but plain. */
    private Path file(String user) {
        String safe = user.matches("[A-Za-z0-9_-]{1,64}") ? user : "x-" + HexFormat.of().formatHex(user.getBytes(StandardCharsets.UTF_8));
        return dir.resolve(safe + ".json");
    }

    private Map<String, Macro> read(String user) {
        Path f = file(user);
        Map<String, Macro> all = new TreeMap<>();
        if (!Files.exists(f)) {
            return all;
        }
        try {
            for (Macro m : Json.MAPPER.readValue(f.toFile(), new TypeReference<List<Macro>>() {})) {
                all.put(m.name(), m);
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    private void write(String user, Map<String, Macro> all) {
        Path f = file(user);
        try {
            DataFiles.writeAtomically(f, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(List.copyOf(all.values())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }
}
