package org.passkvm.ipmi;

import java.util.Optional;

/**
 * The RMCP+ cipher suites offered. Only suites with integrity and AES: a session without them
 * would carry power commands that anybody on the LAN could forge or replay.
 */
enum CipherSuite {
    /** RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128: what every ipmitool and BMC speaks. */
    SUITE_3(3, 1, 1, 1, "HmacSHA1", 12, 12),
    /** RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128: ipmitool's default since 1.8.19. */
    SUITE_17(17, 3, 4, 1, "HmacSHA256", 16, 16);

    final int id;
    final int authAlgorithm;
    final int integrityAlgorithm;
    final int confidentialityAlgorithm;
    /** The HMAC for RAKP, the session key and the integrity code alike. */
    final String hmac;
    /** Bytes of the RAKP 4 integrity check value kept. */
    final int rakp4Length;
    /** Bytes of the per-packet integrity code kept. */
    final int authCodeLength;

    CipherSuite(int id, int auth, int integrity, int confidentiality, String hmac, int rakp4Length, int authCodeLength) {
        this.id = id;
        this.authAlgorithm = auth;
        this.integrityAlgorithm = integrity;
        this.confidentialityAlgorithm = confidentiality;
        this.hmac = hmac;
        this.rakp4Length = rakp4Length;
        this.authCodeLength = authCodeLength;
    }

    static Optional<CipherSuite> match(int auth, int integrity, int confidentiality) {
        for (CipherSuite s : values()) {
            if (s.authAlgorithm == auth && s.integrityAlgorithm == integrity && s.confidentialityAlgorithm == confidentiality) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The records of Get Channel Cipher Suites: C0h, suite, auth, 40h|integrity, 80h|confidentiality. */
    static byte[] records() {
        byte[] out = new byte[values().length * 5];
        int i = 0;
        for (CipherSuite s : values()) {
            out[i++] = (byte) 0xC0;
            out[i++] = (byte) s.id;
            out[i++] = (byte) s.authAlgorithm;
            out[i++] = (byte) (0x40 | s.integrityAlgorithm);
            out[i++] = (byte) (0x80 | s.confidentialityAlgorithm);
        }
        return out;
    }
}
