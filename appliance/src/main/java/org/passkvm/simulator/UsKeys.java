package org.passkvm.simulator;

/** How a US-layout host turns key usages into characters; the simulated target's default. */
final class UsKeys {

    static final int CAPS_LOCK = 0x100;
    private static final String PLAIN = "1234567890\n\u001b\b\t -=[]\\#;'`,./";
    private static final String SHIFTED = "!@#$%^&*()\n\u001b\b\t _+{}|~:\"~<>?";

    private UsKeys() {}

    /** The character for a usage with the report's modifier bits, or 0 for a key that types none. */
    static int charOf(int usage, int modifiers) {
        boolean shift = (modifiers & 0x22) != 0;
        boolean ctrlOrAltOrGui = (modifiers & 0xDD) != 0;
        if (ctrlOrAltOrGui) {
            return 0;
        }
        if (usage >= 0x04 && usage <= 0x1D) {
            boolean upper = shift ^ ((modifiers & CAPS_LOCK) != 0);
            return (upper ? 'A' : 'a') + usage - 0x04;
        }
        if (usage >= 0x1E && usage <= 0x38) {
            char c = (shift ? SHIFTED : PLAIN).charAt(usage - 0x1E);
            return c < ' ' ? 0 : c;
        }
        if (usage == 0x64) {
            return shift ? '|' : '\\';
        }
        return 0;
    }
}
