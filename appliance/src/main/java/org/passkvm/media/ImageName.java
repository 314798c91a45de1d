package org.passkvm.media;

import java.util.regex.Pattern;
import org.passkvm.web.Refusal;

/**
 * A validated image file name. It is used as a file name inside the image folder, so it can never leave that folder
 * or collide with the store's own hidden files: it starts with a letter or digit (no leading dot, so temporary and
 * checksum files, which start with one, are out of reach), has no slash, backslash, NUL or "..", and is short.
 */
public record ImageName(String value) {

    public static final int MAX_LENGTH = 200;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~ ()-]*");

    public ImageName {
        if (value == null || value.isEmpty()) {
            throw Refusal.invalid("an image name is required");
        }
        if (value.length() > MAX_LENGTH) {
            throw Refusal.invalid("image names are at most " + MAX_LENGTH + " characters");
        }
        if (value.contains("..")) {
            throw Refusal.invalid("image names must not contain '..'");
        }
        if (!ALLOWED.matcher(value).matches() || value.endsWith(" ")) {
            throw Refusal.invalid("image name '" + printable(value) + "' is not allowed: use letters, digits and "
                + ". _ - + ~ ( ) or inner spaces, starting with a letter or digit");
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
