package org.passkvm.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RedfishSessionsTest {

    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-11-25T08:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void idleSessionsEndUsedOnesStayAndTheTableHasALimit() {
        HandClock clock = new HandClock();
        RedfishSessions sessions = new RedfishSessions(Duration.ofMinutes(30), 2, clock);
        var a = sessions.create("admin").orElseThrow();
        var b = sessions.create("otto").orElseThrow();
        assertThat(a.token).isNotEqualTo(b.token);
        assertThat(a.id).isNotEqualTo(a.token);
        assertThat(sessions.create("vera")).as("table full").isEmpty();

        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.byToken(a.token)).isPresent(); // used: its idle time starts again
        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.byToken(a.token)).isPresent();
        assertThat(sessions.byToken(b.token)).as("idle for 40 minutes").isEmpty();
        assertThat(sessions.create("vera")).isPresent();
        sessions.end(a);
        assertThat(sessions.byToken(a.token)).isEmpty();
        assertThat(sessions.byToken(null)).isEmpty();
    }

    @Test
    void aUsersNewSessionReplacesItsOldestOnceItHoldsItsShare() {
        HandClock clock = new HandClock();
        RedfishSessions sessions = new RedfishSessions(Duration.ofMinutes(30), 4, 2, clock);
        var first = sessions.create("vera").orElseThrow();
        clock.now = clock.now.plusSeconds(1);
        var second = sessions.create("vera").orElseThrow();
        clock.now = clock.now.plusSeconds(1);
        var third = sessions.create("vera").orElseThrow();
        assertThat(sessions.byToken(first.token)).as("vera's oldest made room").isEmpty();
        assertThat(sessions.byToken(second.token)).isPresent();
        assertThat(sessions.byToken(third.token)).isPresent();
        assertThat(sessions.create("otto")).isPresent();
        assertThat(sessions.create("admin")).isPresent();
        assertThat(sessions.create("eve")).as("table full of others' sessions").isEmpty();
        assertThat(sessions.create("vera")).as("vera still replaces her own").isPresent();
    }
}
