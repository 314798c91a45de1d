package org.passkvm.hid.jiggle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.HidInputTest;

class JigglerTest {

    private final HidInputTest.Recorder out = new HidInputTest.Recorder();
    private final HidInput input = new HidInput(out);
    private final long start = System.nanoTime();

    private static long seconds(double s) {
        return (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void offByDefaultItSendsNothing() {
        Jiggler j = new Jiggler(input, false, 10);
        j.tick(start + seconds(1000));
        assertThat(out.absolute).isEmpty();
        assertThat(j.state().enabled()).isFalse();
    }

    @Test
    void onItStepsAboutAPixelAndBackOncePerQuietInterval() {
        input.moveTo(16000, 9000);
        out.absolute.clear();
        Jiggler j = new Jiggler(input, true, 10);
        long t = System.nanoTime();
        j.tick(t + seconds(5));
        assertThat(out.absolute).as("nothing before the interval").isEmpty();
        j.tick(t + seconds(10.5));
        assertThat(out.absolute).hasSize(2);
        assertThat(out.absolute.get(0).x() - 16000).as("the step, in 0..32767 units").isBetween(1, 32);
        assertThat(out.absolute.get(1).x()).as("back where the person left it").isEqualTo(16000);
        assertThat(out.absolute.get(1).y()).isEqualTo(9000);
        j.tick(t + seconds(15));
        assertThat(out.absolute).as("not again within the interval").hasSize(2);
        j.tick(t + seconds(21));
        assertThat(out.absolute).hasSize(4);
        assertThat(j.state().nudges()).isEqualTo(2);
    }

    @Test
    void aPersonMovingTheMousePausesIt() {
        Jiggler j = new Jiggler(input, true, 10);
        input.moveTo(100, 100); // the person, just now
        out.absolute.clear();
        long moved = input.lastPointerNanos();
        assertThat(j.state().paused()).isTrue();
        j.tick(moved + seconds(9));
        assertThat(out.absolute).isEmpty();
        j.tick(moved + seconds(10.5));
        assertThat(out.absolute).as("a whole interval after their last move").hasSize(2);
        assertThat(input.lastPointerNanos()).as("its own nudges do not count as a person").isEqualTo(moved);
    }

    @Test
    void inRelativeModeItMovesOneCountAndBack() {
        input.setMouseMode(HidInput.MouseMode.RELATIVE);
        Jiggler j = new Jiggler(input, true, 5);
        j.tick(System.nanoTime() + seconds(6));
        assertThat(out.relative).hasSize(2);
        assertThat(out.relative.get(0).dx() + out.relative.get(1).dx()).isZero();
    }

    @Test
    void theIntervalIsChecked() {
        Jiggler j = new Jiggler(input, false, 60);
        assertThatThrownBy(() -> j.set(true, 1)).hasMessageContaining("from 5 to 3600");
        assertThat(j.set(true, 30)).isEqualTo(new Jiggler.State(true, 30, false, 0));
    }
}
