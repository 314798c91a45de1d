package org.passkvm.ipmi;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An RMCP+ session's keys, derived from the session integrity key (SIK): K1 signs every packet,
 * the first 16 bytes of K2 encrypt it with AES-CBC-128 (IPMI 2.0, 13.28 and 13.29).
 */
final class SessionKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final CipherSuite suite;
    private final byte[] k1;
    private final SecretKeySpec aesKey;

    SessionKeys(CipherSuite suite, byte[] sik) {
        this.suite = suite;
        // The constants are 20 bytes for every algorithm, SHA-256 included (IPMI 2.0, 13.32).
        this.k1 = hmac(suite, sik, filled(20, 0x01));
        this.aesKey = new SecretKeySpec(Arrays.copyOf(hmac(suite, sik, filled(20, 0x02)), 16), "AES");
    }

    byte[] sign(byte[] signed) {
        return Arrays.copyOf(hmac(suite, k1, signed), suite.authCodeLength);
    }

    boolean verify(byte[] signed, byte[] code) {
        return code != null && code.length == suite.authCodeLength && MessageDigest.isEqual(sign(signed), code);
    }

    /** IV, then the payload with its confidentiality trailer (pad 1, 2, 3, …, pad length), encrypted. */
    byte[] encrypt(byte[] plain) {
        int pad = (16 - (plain.length + 1) % 16) % 16;
        byte[] block = new byte[plain.length + pad + 1];
        System.arraycopy(plain, 0, block, 0, plain.length);
        for (int i = 0; i < pad; i++) {
            block[plain.length + i] = (byte) (i + 1);
        }
        block[block.length - 1] = (byte) pad;
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, aesKey, new IvParameterSpec(iv));
            byte[] enc = c.doFinal(block);
            byte[] out = new byte[16 + enc.length];
            System.arraycopy(iv, 0, out, 0, 16);
            System.arraycopy(enc, 0, out, 16, enc.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plain payload, or null when the ciphertext or its trailer is malformed. */
    byte[] decrypt(byte[] data) {
        if (data.length < 32 || data.length % 16 != 0) {
            return null;
        }
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.DECRYPT_MODE, aesKey, new IvParameterSpec(data, 0, 16));
            byte[] block = c.doFinal(data, 16, data.length - 16);
            int pad = block[block.length - 1] & 0xFF;
            if (pad > 15 || pad + 1 > block.length) {
                return null;
            }
            return Arrays.copyOf(block, block.length - 1 - pad);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    static byte[] hmac(CipherSuite suite, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(suite.hmac);
            // An empty password is a valid IPMI key; the JCE refuses empty keys, HMAC pads them to zeros anyway.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, suite.hmac));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
