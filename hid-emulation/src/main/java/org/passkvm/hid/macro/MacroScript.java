package org.passkvm.hid.macro;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.passkvm.hid.keymap.KeyCodes;
import org.passkvm.hid.report.AbsoluteMouseReport;

/**
 * A macro as text, one step a line (what the console records and what a person writes):
 * <pre>
 * type echo hello          the rest of the line, typed through the paste job (layout, speed, abort)
 * tap ControlLeft+AltLeft+Delete   a chord, pressed and released
 * down ShiftLeft / up ShiftLeft    one key
 * move 16384 9000          the absolute pointer, 0..32767 each way
 * press left / release left / click right   a mouse button (left, right, middle)
 * wheel -2                 wheel notches, positive away from the user
 * wait 250                 milliseconds, up to 60000
 * # a comment
 * </pre>
 */
public final class MacroScript {

    public static final int MAX_STEPS = 1000;
    static final int MAX_WAIT_MS = 60_000;

    /** One line of a macro, parsed. */
    public record Step(String verb, String text, int[] numbers) {
        @Override
        public String toString() {
            return verb + (text.isEmpty() ? "" : " " + text);
        }
    }

    private MacroScript() {}

    /** The steps of {@code script}, or an {@link IllegalArgumentException} naming the first bad line. */
    public static List<Step> parse(String script) {
        if (script == null || script.isBlank()) {
            throw new IllegalArgumentException("the macro is empty");
        }
        List<Step> steps = new ArrayList<>();
        String[] lines = script.replace("\r\n", "\n").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                steps.add(step(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " (" + line + "): " + e.getMessage());
            }
            if (steps.size() > MAX_STEPS) {
                throw new IllegalArgumentException("a macro has at most " + MAX_STEPS + " steps");
            }
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("the macro has no steps, only comments");
        }
        return steps;
    }

    private static Step step(String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1);
        String arg = rest.strip();
        switch (verb) {
            case "type":
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("type needs text");
                }
                return new Step(verb, rest, new int[0]);
            case "tap":
                return new Step(verb, arg, Arrays.stream(arg.split("\\+")).mapToInt(MacroScript::usage).toArray());
            case "down":
            case "up":
                return new Step(verb, arg, new int[] {usage(arg)});
            case "move": {
                String[] xy = arg.split("\\s+");
                if (xy.length != 2) {
                    throw new IllegalArgumentException("move needs X and Y, 0.." + AbsoluteMouseReport.MAX);
                }
                return new Step(verb, arg, new int[] {number(xy[0], 0, AbsoluteMouseReport.MAX), number(xy[1], 0, AbsoluteMouseReport.MAX)});
            }
            case "press":
            case "release":
            case "click":
                return new Step(verb, arg.isEmpty() ? "left" : arg, new int[] {button(arg.isEmpty() ? "left" : arg)});
            case "wheel":
                return new Step(verb, arg, new int[] {number(arg, -127, 127)});
            case "wait":
                return new Step(verb, arg, new int[] {number(arg, 0, MAX_WAIT_MS)});
            default:
                throw new IllegalArgumentException("unknown step '" + verb + "'; steps: type tap down up move press release click wheel wait");
        }
    }

    private static int usage(String code) {
        return KeyCodes.usage(code.strip()).orElseThrow(() -> new IllegalArgumentException("unknown key code '" + code.strip() + "'"));
    }

    private static int button(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "left": return 0;
            case "right": return 1;
            case "middle": return 2;
            default: throw new IllegalArgumentException("button must be left, right or middle, got '" + name + "'");
        }
    }

    private static int number(String s, int min, int max) {
        try {
            int n = Integer.parseInt(s.strip());
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be from " + min + " to " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a whole number");
        }
    }
}
