package org.passkvm.hid.keymap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passkvm.testkit.Tools;

/**
 * Checks every cell of the layout tables against a second, independent source: xkb's layouts of the same name, asked
 * through {@code xkbcli how-to-type} (Debian package libxkbcommon-tools). The tables follow Windows; the few cells
 * where Windows and xkb differ are listed below, so any other disagreement is a transcription error.
 */
class LayoutsAgreeWithXkbTest {

    private static final Path XKBCLI = Path.of("/usr/bin/xkbcli");
    private static final Map<String, String> XKB_NAMES = Map.of("uk", "gb", "ch-de", "ch");
    /** layout, key, level (0 plain .. 3 Shift+AltGr) where Windows differs from xkb. */
    private static final Set<String> WINDOWS_ONLY = Set.of(
            "us IntlBackslash 0", "us IntlBackslash 1",            // xkb's us has <> there
            "uk KeyA 2", "uk KeyA 3", "uk KeyE 2", "uk KeyE 3", "uk KeyI 2", "uk KeyI 3", "uk KeyO 2", "uk KeyO 3",
            "uk KeyU 2", "uk KeyU 3", "uk Backquote 2",             // Windows UK's AltGr vowels and broken bar
            "fr Digit2 2", "fr Digit7 2",                           // dead ~ and ` on Windows, plain on xkb
            "es Digit4 2",                                          // dead ~ on Windows, plain on xkb
            "ch-de Digit1 2");                                      // broken bar
    private static final Map<Integer, String> DEAD_KEYSYMS = Map.of('^' + 0, "dead_circumflex", '`' + 0, "dead_grave",
            '´' + 0, "dead_acute", '¨' + 0, "dead_diaeresis", '~' + 0, "dead_tilde");
    private static final Map<String, String> XKB_KEYS = xkbKeyNames();
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+\\s+(\\S+)\\s+\\d+\\s+.*?\\s(\\d)\\s+\\[");

    @ParameterizedTest
    @ValueSource(strings = {"us", "uk", "de", "fr", "es", "it", "ch-de", "se", "no", "dk", "jp"})
    void everyCellMatchesXkbExceptTheKnownWindowsDifferences(String name) throws Exception {
        Tools.require("xkbcli");
        LayoutFile file = LayoutFile.read(name);
        String xkb = XKB_NAMES.getOrDefault(name, name);
        Map<String, Set<String>> cache = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        file.keys.forEach((usage, cells) -> {
            // xkb has one key (BKSL) where USB has two usages: the US backslash key and the ISO hash key
            String code = codeOf(usage).equals("Backslash") ? "IntlHash" : codeOf(usage);
            for (int level = 0; level < Layout.LEVELS; level++) {
                int cell = cells[level];
                if (cell == 0 || WINDOWS_ONLY.contains(name + " " + code + " " + level)) {
                    continue;
                }
                String query = cell < 0 ? DEAD_KEYSYMS.get(-cell) : String.format("0x%x", cell);
                Set<String> where = cache.computeIfAbsent(query, q -> howToType(xkb, q, cell < 0));
                if (!where.contains(code + " " + level)) {
                    wrong.add(code + " level " + level + " '" + new String(Character.toChars(Math.abs(cell)))
                            + "', xkb has it at " + where);
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    /** Where xkb types this character or keysym: "Code level" entries. */
    private static Set<String> howToType(String layout, String query, boolean keysym) {
        List<String> command = new ArrayList<>(List.of(XKBCLI.toString(), "how-to-type", "--layout", layout));
        if (keysym) {
            command.add("--keysym");
        }
        command.add(query);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Set<String> where = new HashSet<>();
            for (String line : out.lines().toList()) {
                Matcher m = ROW.matcher(line);
                if (m.find()) {
                    where.add(XKB_KEYS.getOrDefault(m.group(1), m.group(1)) + " " + (Integer.parseInt(m.group(2)) - 1));
                }
            }
            return where;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String codeOf(int usage) {
        return KeyCodes.all().entrySet().stream().filter(e -> e.getValue() == usage).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    /** xkb's key names (rows E..B, columns 01..) to W3C codes. */
    private static Map<String, String> xkbKeyNames() {
        Map<String, String> m = new HashMap<>(Map.of("TLDE", "Backquote", "AE13", "IntlYen", "BKSL", "IntlHash",
                "AB11", "IntlRo", "LSGT", "IntlBackslash", "SPCE", "Space"));
        String[][] rows = {
            {"AE", "Digit1 Digit2 Digit3 Digit4 Digit5 Digit6 Digit7 Digit8 Digit9 Digit0 Minus Equal"},
            {"AD", "KeyQ KeyW KeyE KeyR KeyT KeyY KeyU KeyI KeyO KeyP BracketLeft BracketRight"},
            {"AC", "KeyA KeyS KeyD KeyF KeyG KeyH KeyJ KeyK KeyL Semicolon Quote"},
            {"AB", "KeyZ KeyX KeyC KeyV KeyB KeyN KeyM Comma Period Slash"}};
        for (String[] row : rows) {
            String[] codes = row[1].split(" ");
            for (int i = 0; i < codes.length; i++) {
                m.put(String.format("%s%02d", row[0], i + 1), codes[i]);
            }
        }
        return m;
    }
}
