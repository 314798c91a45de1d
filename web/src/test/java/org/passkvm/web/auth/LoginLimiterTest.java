package org.passkvm.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.passkvm.web.HandClock;

/** Failed logins throttle the source that made them, never the account for everyone. */
class LoginLimiterTest {

    private final HandClock clock = new HandClock();
    private final LoginLimiter limiter = new LoginLimiter(5, Duration.ofMinutes(15), Duration.ofSeconds(60), clock);

    private void fail(String source, String user, int times) {
        for (int i = 0; i < times; i++) {
            limiter.failed(source, user);
        }
    }

    @Test
    void anAttackerCannotLockTheOwnerOutFromAnotherSource() {
        fail("127.0.0.2", "admin", 5);
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).isEqualTo(Duration.ofSeconds(60));
        assertThat(limiter.retryAfter("127.0.0.3", "admin")).as("the owner elsewhere").isZero();
        assertThat(limiter.retryAfter("127.0.0.2", "otto")).as("other users from the attacker, below the source limit")
                .isZero();
    }

    @Test
    void eachFurtherFailureFromTheSourceDoublesItsLockout() {
        fail("127.0.0.2", "admin", 5);
        clock.advance(Duration.ofSeconds(61));
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).isZero();
        limiter.failed("127.0.0.2", "admin");
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).isEqualTo(Duration.ofSeconds(120));
        clock.advance(Duration.ofSeconds(121));
        limiter.failed("127.0.0.2", "admin");
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).isEqualTo(Duration.ofSeconds(240));
        for (int i = 0; i < 10; i++) {
            clock.advance(limiter.retryAfter("127.0.0.2", "admin").plusSeconds(1));
            limiter.failed("127.0.0.2", "admin");
        }
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).as("capped").isEqualTo(Duration.ofHours(1));
        assertThat(limiter.retryAfter("127.0.0.3", "admin")).isZero();
    }

    @Test
    void sprayingManyUserNamesFromOneSourceLocksThatSource() {
        for (int i = 0; i < 20; i++) {
            limiter.failed("127.0.0.2", "user" + i);
        }
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).as("the whole source").isPositive();
        assertThat(limiter.retryAfter("127.0.0.3", "admin")).isZero();
    }

    @Test
    void aSuccessClearsOnlyThatSourcesRecordForThatUser() {
        fail("127.0.0.2", "admin", 4);
        fail("127.0.0.3", "admin", 4);
        limiter.succeeded("127.0.0.3", "admin");
        limiter.failed("127.0.0.3", "admin");
        assertThat(limiter.retryAfter("127.0.0.3", "admin")).isZero();
        limiter.failed("127.0.0.2", "admin");
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).isPositive();
    }

    @Test
    void aQuietSourceIsForgiven() {
        fail("127.0.0.2", "admin", 4);
        clock.advance(Duration.ofMinutes(16));
        fail("127.0.0.2", "admin", 4);
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).isZero();
        fail("127.0.0.2", "admin", 1);
        clock.advance(Duration.ofMinutes(20));
        limiter.failed("127.0.0.2", "admin");
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).as("forgotten after the lockout and a quiet window").isZero();
    }

    @Test
    void anIpv6SourceIsItsSlash64() {
        fail("2001:db8:1:2::1", "admin", 3);
        fail("[2001:db8:1:2:ffff::7]", "admin", 2);
        assertThat(limiter.retryAfter("2001:db8:1:2:abcd::9", "admin")).isPositive();
        assertThat(limiter.retryAfter("2001:db8:1:3::1", "admin")).isZero();
        fail("::ffff:127.0.0.9", "admin", 5);
        assertThat(limiter.retryAfter("127.0.0.9", "admin")).as("IPv4-mapped is IPv4").isPositive();
    }

    @Test
    void millionsOfInventedNamesAndSourcesDoNotGrowTheTableWithoutBound() {
        for (int i = 0; i < 40_000; i++) {
            limiter.failed("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "x".repeat(1000) + i);
        }
        assertThat(limiter.tracked()).isLessThanOrEqualTo(LoginLimiter.MAX_TRACKED);
        fail("127.0.0.2", "admin", 5);
        assertThat(limiter.retryAfter("127.0.0.2", "admin")).as("still locks").isPositive();
    }
}
