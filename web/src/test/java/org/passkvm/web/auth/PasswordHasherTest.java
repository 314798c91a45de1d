package org.passkvm.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1024, 1, 1);

    @Test
    void hashesAreArgon2idWithTheirParametersAndVerify() {
        String h = hasher.hash("secret password");
        assertThat(h).startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
        assertThat(hasher.verify("secret password", h)).isTrue();
        assertThat(hasher.verify("secret passwore", h)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertThat(hasher.hash("x")).isNotEqualTo(hasher.hash("x"));
    }

    @Test
    void storedParametersWinOverCurrentOnes() {
        String old = new PasswordHasher(2048, 2, 1).hash("pw");
        assertThat(hasher.verify("pw", old)).isTrue();
    }
}
