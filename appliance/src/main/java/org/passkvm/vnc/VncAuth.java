package org.passkvm.vnc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Classic VNC authentication (RFC 6143 7.2.2): the client DES-encrypts the 16-byte challenge with its password as the
 * key, each key byte's bits mirrored (a quirk of the original implementation every client keeps). Only the first 8
 * characters of a password count. Weak by today's measure, which is why the passwords are generated, per user, and
 * separate from the login password, and why guesses count towards the login lockout.
 */
final class VncAuth {

    static final int MAX_PASSWORD = 8;

    private VncAuth() {}

    static byte[] response(String password, byte[] challenge) {
        byte[] key = new byte[8];
        byte[] text = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < Math.min(8, text.length); i++) {
            key[i] = (byte) (Integer.reverse(text[i] & 0xFF) >>> 24);
        }
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES is part of every Java runtime", e);
        }
    }
}
