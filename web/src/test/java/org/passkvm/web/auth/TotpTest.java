package org.passkvm.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TotpTest {

    @Test
    void matchesTheRfc6238TestVector() {
        // RFC 6238 appendix B: secret "12345678901234567890" (base32 below), T = 59 s → 94287082 (8 digits), 287082 (6)
        String secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assertThat(Totp.code(secret, 59 / 30)).isEqualTo("287082");
    }

    @Test
    void acceptsTheCurrentCodeOnly() {
        String secret = Totp.newSecret();
        String now = Totp.code(secret, java.time.Instant.now().getEpochSecond() / 30);
        assertThat(Totp.verify(secret, now)).isTrue();
        assertThat(Totp.verify(secret, "000000".equals(now) ? "111111" : "000000")).isFalse();
        assertThat(Totp.verify(secret, "12ab56")).isFalse();
    }
}
