package org.passkvm.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionsTest {

    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-25T08:00:00Z");
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private final ManualClock clock = new ManualClock();
    private final Sessions sessions = new Sessions(Duration.ofMinutes(30), Duration.ofHours(12), clock);

    @Test
    void anIdleSessionEndsAndItsListenersRun() {
        List<String> ended = new ArrayList<>();
        sessions.onEnd(s -> ended.add(s.user()));
        Session s = sessions.create("admin");
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(sessions.find(s.id())).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(31));
        sessions.expire();
        assertThat(sessions.find(s.id())).isEmpty();
        assertThat(ended).containsExactly("admin");
    }

    @Test
    void anActiveSessionStillEndsAtTheAbsoluteTimeout() {
        Session s = sessions.create("admin");
        for (int i = 0; i < 12 * 4; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(15));
            sessions.find(s.id());
        }
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(sessions.find(s.id())).isEmpty();
    }

    @Test
    void sessionIdsAndCsrfTokensAreUnguessable() {
        Session a = sessions.create("admin");
        Session b = sessions.create("admin");
        assertThat(a.id()).hasSize(43).isNotEqualTo(b.id());
        assertThat(a.csrfToken()).isNotEqualTo(a.id());
    }
}
