package org.passkvm.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.passkvm.web.HandClock;

class RedfishSessionsTest {

    @Test
    void idleSessionsEndUsedOnesStayAndTheTableHasALimit() {
        HandClock clock = new HandClock();
        RedfishSessions sessions = new RedfishSessions(Duration.ofMinutes(30), 2, clock);
        var a = sessions.create("admin").orElseThrow();
        var b = sessions.create("otto").orElseThrow();
        assertThat(a.token).isNotEqualTo(b.token);
        assertThat(a.id).isNotEqualTo(a.token);
        assertThat(sessions.create("vera")).as("table full").isEmpty();

        clock.advance(Duration.ofMinutes(20));
        assertThat(sessions.byToken(a.token)).isPresent(); // used: its idle time starts again
        clock.advance(Duration.ofMinutes(20));
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
        clock.advance(Duration.ofSeconds(1));
        var second = sessions.create("vera").orElseThrow();
        clock.advance(Duration.ofSeconds(1));
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
