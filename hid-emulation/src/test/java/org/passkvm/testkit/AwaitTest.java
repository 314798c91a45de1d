package org.passkvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The testkit's one way to wait (compiled into every module's tests; checked here once). */
class AwaitTest {

    @Test
    void returnsTheFirstAcceptedValueWithoutWaitingForTheDeadline() {
        AtomicInteger polls = new AtomicInteger();
        long start = System.nanoTime();
        int value = Await.value(Duration.ofSeconds(30), polls::incrementAndGet, n -> n == 3, "the third poll");
        assertThat(value).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedAndTheLastValueSeen() {
        assertThatThrownBy(() -> Await.value(Duration.ofMillis(50), () -> "still booting", "ready"::equals, "the host ready"))
                .isInstanceOf(Await.TimedOut.class).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the host ready").hasMessageContaining("not within 50 ms")
                .hasMessageContaining("last seen: still booting");
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(20), () -> false, "the LED lit"))
                .hasMessageContaining("the LED lit").hasMessageContaining("still false");
    }

    @Test
    void aProbeThatThrowsEndsTheWaitWithItsExceptionAsCause() {
        IOException gone = new IOException("socket gone");
        assertThatThrownBy(() -> Await.until(Duration.ofSeconds(30), () -> {
            throw gone;
        }, "an answer")).isInstanceOf(AssertionError.class).hasMessageContaining("an answer").hasCause(gone);
        IllegalStateException bug = new IllegalStateException("bug");
        assertThatThrownBy(() -> Await.until(Duration.ofSeconds(30), () -> {
            throw bug;
        }, "an answer")).isSameAs(bug);
    }

    @Test
    void holdsAnswersInsteadOfFailing() {
        assertThat(Await.holds(Duration.ofMillis(20), () -> false)).isFalse();
        assertThat(Await.holds(Duration.ofMillis(20), () -> true)).isTrue();
    }
}
