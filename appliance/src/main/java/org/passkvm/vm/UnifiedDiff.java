package org.passkvm.vm;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff ({@code diff -u} layout) of two texts, line by line, with three lines of context.
 * Domain definitions are a few hundred lines, so the plain longest-common-subsequence table is cheap.
 */
public final class UnifiedDiff {

    private static final int CONTEXT = 3;

    private UnifiedDiff() {}

    /** Empty when the texts are equal. */
    public static String of(String oldName, String newName, String oldText, String newText) {
        List<String> a = oldText.lines().toList();
        List<String> b = newText.lines().toList();
        List<char[]> ops = script(a, b);
        if (ops.stream().allMatch(o -> o[0] == ' ')) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(oldName).append('\n').append("+++ ").append(newName).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i)[0] == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            // one hunk holds every change closer than 2*CONTEXT lines to the previous one
            int lastChange = i;
            for (int j = i + 1; j < ops.size() && j - lastChange <= 2 * CONTEXT; j++) {
                if (ops.get(j)[0] != ' ') {
                    lastChange = j;
                }
            }
            int end = Math.min(ops.size() - 1, lastChange + CONTEXT);
            int oldStart = 0;
            int newStart = 0;
            for (int j = 0; j < start; j++) {
                if (ops.get(j)[0] != '+') {
                    oldStart++;
                }
                if (ops.get(j)[0] != '-') {
                    newStart++;
                }
            }
            int oldLen = 0;
            int newLen = 0;
            StringBuilder body = new StringBuilder();
            for (int j = start; j <= end; j++) {
                char op = ops.get(j)[0];
                body.append(op).append(new String(ops.get(j), 1, ops.get(j).length - 1)).append('\n');
                if (op != '+') {
                    oldLen++;
                }
                if (op != '-') {
                    newLen++;
                }
            }
            out.append("@@ -").append(range(oldStart, oldLen)).append(" +").append(range(newStart, newLen)).append(" @@\n");
            out.append(body);
            i = end + 1;
        }
        return out.toString();
    }

    private static String range(int start, int len) {
        int first = len == 0 ? start : start + 1;
        return len == 1 ? String.valueOf(first) : first + "," + len;
    }

    /** The edit script: each entry is the op char followed by the line's characters. */
    private static List<char[]> script(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<char[]> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(line(' ', a.get(i++)));
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(line('-', a.get(i++)));
            } else {
                ops.add(line('+', b.get(j++)));
            }
        }
        return ops;
    }

    private static char[] line(char op, String text) {
        char[] c = new char[text.length() + 1];
        c[0] = op;
        text.getChars(0, text.length(), c, 1);
        return c;
    }
}
