package org.passkvm.hid.paste;

import java.util.ArrayList;
import java.util.List;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.Keystroke;
import org.passkvm.hid.keymap.Layout;

/**
 * Paste throughput in characters per second: the Typist (layout lookup, modifiers, progress, its own thread) side by
 * side with the floor, the same keystrokes pressed by a plain loop on HidInput, both into a host that decodes them.
 * And at the default delay, against the nominal 1000 / (1.5 × delay). Not a test; run by hand: see BENCHMARKS.md.
 */
public final class PasteSpeedBenchmark {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        for (String name : List.of("us", "de", "fr")) {
            Layout layout = Layout.byName(name);
            String text = sample(layout, 5000);
            double floor = 0;
            double ours = 0;
            for (int r = 0; r < rounds; r++) {
                floor = Math.max(floor, plainLoop(layout, text));
                ours = Math.max(ours, typist(layout, text, 0));
            }
            System.out.printf("%-3s delay 0:  plain loop %,10.0f chars/s   Typist %,10.0f chars/s   ratio %.2f%n",
                    name, floor, ours, ours / floor);
        }
        Layout de = Layout.byName("de");
        String text = sample(de, 200);
        int delay = Typist.Settings.DEFAULT.defaultDelayMs();
        double nominal = 1000.0 / (1.5 * delay);
        double measured = typist(de, text, delay);
        System.out.printf("de  delay %d ms: nominal %.1f chars/s   Typist %.1f chars/s   ratio %.2f%n", delay, nominal,
                measured, measured / nominal);
    }

    /** Every typeable character of the layout, over and over, including dead-key and AltGr ones. */
    private static String sample(Layout layout, int length) {
        StringBuilder all = new StringBuilder();
        layout.typeable().forEach(all::appendCodePoint);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(all);
        }
        return text.substring(0, length);
    }

    private static double plainLoop(Layout layout, String text) {
        List<List<Keystroke>> plan = new ArrayList<>();
        text.codePoints().forEach(c -> plan.add(layout.strokes(c).orElseThrow()));
        RecordingHost host = new RecordingHost(layout);
        HidInput input = new HidInput(host);
        long start = System.nanoTime();
        for (List<Keystroke> strokes : plan) {
            for (Keystroke k : strokes) {
                int[] mods = k.modifierUsages();
                for (int m : mods) {
                    input.keyDown(m);
                }
                input.keyDown(k.usage());
                input.keyUp(k.usage());
                for (int i = mods.length - 1; i >= 0; i--) {
                    input.keyUp(mods[i]);
                }
            }
        }
        input.releaseAll();
        return check(host, text, plan.size() * 1e9 / (System.nanoTime() - start));
    }

    private static double typist(Layout layout, String text, int delay) throws InterruptedException {
        RecordingHost host = new RecordingHost(layout);
        Typist typist = new Typist(new HidInput(host), Typist.Settings.DEFAULT);
        long start = System.nanoTime();
        PasteProgress p = typist.start(text, layout, delay, false);
        typist.awaitIdle(600_000);
        return check(host, text, p.total() * 1e9 / (System.nanoTime() - start));
    }

    private static double check(RecordingHost host, String text, double charsPerSecond) {
        if (!host.text().equals(text.replace("\r\n", "\n"))) {
            throw new AssertionError("the host read something else than was typed");
        }
        return charsPerSecond;
    }

    private PasteSpeedBenchmark() {}
}
