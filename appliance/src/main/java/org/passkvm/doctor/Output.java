package org.passkvm.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * A check script's output: lines of {@code key: value} (the facts the check judges) and free lines (log excerpts).
 * Keys repeat where a fact has one line per device.
 */
final class Output {

    private final String text;

    Output(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }

    /** The first value of {@code key}, or "" when the script printed none. */
    String value(String key) {
        List<String> all = values(key);
        return all.isEmpty() ? "" : all.get(0);
    }

    List<String> values(String key) {
        List<String> out = new ArrayList<>();
        String prefix = key + ":";
        text.lines().filter(l -> l.startsWith(prefix)).forEach(l -> out.add(l.substring(prefix.length()).strip()));
        return out;
    }

    boolean has(String key) {
        return !values(key).isEmpty();
    }

    /** Lines (of any kind) containing {@code needle}, ignoring case. */
    List<String> linesWith(String needle) {
        String n = needle.toLowerCase();
        return text.lines().filter(l -> l.toLowerCase().contains(n)).toList();
    }
}
