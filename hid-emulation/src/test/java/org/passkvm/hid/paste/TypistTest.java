package org.passkvm.hid.paste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.keymap.UntypableChar;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.testkit.Await;

class TypistTest {

    private static final Typist.Settings FAST = new Typist.Settings(0, 0, 1000, 10_000);

    private static Typist typist(RecordingHost host, Typist.Settings settings) {
        return new Typist(new HidInput(host), settings);
    }

    private static PasteProgress typeAll(Typist typist, String text, String layout, int delay) throws Exception {
        typist.start(text, Layout.byName(layout), delay, false);
        assertThat(typist.awaitIdle(30_000)).isTrue();
        return typist.progress();
    }

    @ParameterizedTest
    @ValueSource(strings = {"us", "uk", "de", "fr", "es", "it", "ch-de", "se", "no", "dk", "jp"})
    void aHostSetToTheSameLayoutReadsBackEveryTypeableCharacter(String name) throws Exception {
        Layout layout = Layout.byName(name);
        StringBuilder all = new StringBuilder();
        layout.typeable().forEach(all::appendCodePoint);
        RecordingHost host = new RecordingHost(layout);
        PasteProgress done = typeAll(typist(host, FAST), all.toString(), name, 0);
        assertThat(done.state()).isEqualTo(PasteProgress.State.DONE);
        assertThat(done.typed()).isEqualTo(done.total()).isEqualTo(layout.typeable().size());
        assertThat(host.text()).isEqualTo(all.toString());
        assertThat(host.last()).isEqualTo(KeyboardReport.EMPTY);
    }

    @Test
    void germanTextWithDeadKeysAndAltGrArrivesIntact() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("de"));
        String text = "Grüße, Zoé! ^_^ {x} 50 € an @home; Crème brûlée `ok´\n\tâ";
        typeAll(typist(host, FAST), text, "de", 0);
        assertThat(host.text()).isEqualTo(text);
    }

    @Test
    void shiftIsHeldOnlyForCharactersThatNeedIt() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("us"));
        typeAll(typist(host, FAST), "aB", "us", 0);
        assertThat(host.reports()).containsExactly(
                KeyboardReport.of(0, 0x04), KeyboardReport.of(0),
                KeyboardReport.of(0x02), KeyboardReport.of(0x02, 0x05), KeyboardReport.of(0x02), KeyboardReport.of(0),
                KeyboardReport.EMPTY);
    }

    @Test
    void newlinesBecomeEnterAndTabsTab() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("us"));
        PasteProgress p = typeAll(typist(host, FAST), "a\r\nb\tc\rd\n", "us", 0);
        assertThat(host.text()).isEqualTo("a\nb\tc\nd\n");
        assertThat(p.total()).isEqualTo(8);
        assertThat(host.reports()).contains(KeyboardReport.of(0, 0x28), KeyboardReport.of(0, 0x2B));
    }

    @Test
    void theDelayIsWaitedAfterEveryKeystroke() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("us"));
        long start = System.nanoTime();
        typeAll(typist(host, Typist.Settings.DEFAULT), "abcdefghij", "us", 20);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).isGreaterThanOrEqualTo(10 * (20 + 10));
        assertThat(host.text()).isEqualTo("abcdefghij");
    }

    @Test
    void abortStopsTypingAndReleasesEveryKey() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("us"));
        Typist typist = typist(host, Typist.Settings.DEFAULT);
        typist.start("A".repeat(500), Layout.byName("us"), 20, false);
        Await.until(Duration.ofSeconds(10), () -> typist.progress().typed() >= 3, "3 keys typed");
        PasteProgress aborted = typist.abort();
        assertThat(aborted.state()).isEqualTo(PasteProgress.State.ABORTED);
        assertThat(aborted.typed()).isBetween(3, 499);
        assertThat(aborted.finishedAtMillis()).isPositive();
        assertThat(host.last()).isEqualTo(KeyboardReport.EMPTY);
        int reportsAfterAbort = host.reports().size();
        Thread.sleep(100); // time is the subject: nothing is typed after the abort
        assertThat(host.reports()).hasSize(reportsAfterAbort);
    }

    @Test
    void oneJobAtATime() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("us"));
        Typist typist = typist(host, Typist.Settings.DEFAULT);
        typist.start("slow text", Layout.byName("us"), 200, false);
        assertThatThrownBy(() -> typist.start("other", Layout.byName("us"), null, false))
                .isInstanceOf(Typist.BusyException.class).hasMessageContaining("already typing");
        typist.abort();
        typeAll(typist, "ok", "us", 0);
        assertThat(host.text()).endsWith("ok");
    }

    @Test
    void untypableCharactersRefuseTheJobUpFront() {
        RecordingHost host = new RecordingHost(Layout.byName("it"));
        Typist typist = typist(host, FAST);
        assertThatThrownBy(() -> typist.start("ls ~/x `date`", Layout.byName("it"), 0, false))
                .isInstanceOfSatisfying(UntypableTextException.class, e -> assertThat(e.untypable())
                        .containsExactly(new UntypableChar(3, '~'), new UntypableChar(7, '`'), new UntypableChar(12, '`')))
                .hasMessageContaining("layout it cannot type 3 characters: '~' (U+007E) at 3");
        assertThat(host.reports()).isEmpty();
        assertThat(typist.progress().state()).isEqualTo(PasteProgress.State.IDLE);
    }

    @Test
    void skipUntypableTypesTheRestAndListsWhatItLeftOut() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("it"));
        Typist typist = typist(host, FAST);
        typist.start("a~b€😀", Layout.byName("it"), 0, true);
        typist.awaitIdle(5000);
        PasteProgress p = typist.progress();
        assertThat(host.text()).isEqualTo("ab€");
        assertThat(p.total()).isEqualTo(3);
        assertThat(p.skipped()).containsExactly(new UntypableChar(1, '~'), new UntypableChar(4, 0x1F600));
    }

    @Test
    void capsLockOnTheHostIsSwitchedOffForThePasteAndBackOnAfter() throws Exception {
        RecordingHost host = new RecordingHost(Layout.byName("us"));
        host.setCapsLock(true);
        typeAll(typist(host, FAST), "Hello", "us", 0);
        assertThat(host.text()).isEqualTo("Hello");
        assertThat(host.capsLock()).isTrue();
    }

    @Test
    void badRequestsAreRefusedWithAReason() {
        Typist typist = typist(new RecordingHost(Layout.byName("us")), new Typist.Settings(15, 5, 100, 10));
        Layout us = Layout.byName("us");
        assertThatThrownBy(() -> typist.start("x", us, 101, false)).hasMessage("delayMs must be within 5..100, got 101");
        assertThatThrownBy(() -> typist.start("x", us, 4, false)).hasMessageContaining("within 5..100");
        assertThatThrownBy(() -> typist.start("", us, null, false)).hasMessageContaining("nothing to type");
        assertThatThrownBy(() -> typist.start("x".repeat(11), us, null, false)).hasMessageContaining("at most 10");
        assertThatThrownBy(() -> new Typist.Settings(1, 5, 100, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(typist.progress()).isEqualTo(PasteProgress.IDLE);
    }

    @Test
    void abortWithNothingTypingIsHarmless() {
        Typist typist = typist(new RecordingHost(Layout.byName("us")), FAST);
        assertThat(typist.abort().state()).isEqualTo(PasteProgress.State.IDLE);
        assertThat(List.of(typist.progress())).hasSize(1);
    }
}
