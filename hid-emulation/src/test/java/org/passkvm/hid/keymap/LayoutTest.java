package org.passkvm.hid.keymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LayoutTest {

    private static final int SHIFT = Keystroke.SHIFT;
    private static final int ALTGR = Keystroke.ALTGR;

    static Stream<Layout> layouts() {
        return Layout.all().stream();
    }

    @Test
    void everyPromisedLayoutIsThere() {
        assertThat(Layout.all()).extracting(Layout::name)
                .containsExactly("us", "uk", "de", "fr", "es", "it", "ch-de", "se", "no", "dk", "jp");
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void everyCharacterALayoutClaimsDecodesBackToItselfThroughItsOwnDecoder(Layout layout) {
        List<String> wrong = new ArrayList<>();
        for (int c : layout.typeable()) {
            KeystrokeDecoder decoder = layout.decoder();
            int typed = 0;
            for (Keystroke k : layout.strokes(c).orElseThrow()) {
                typed = decoder.decode(k.usage(), k.modifiers());
            }
            if (typed != c) {
                wrong.add(String.format("U+%04X -> U+%04X via %s", c, typed, layout.strokes(c).orElseThrow()));
            }
        }
        assertThat(wrong).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void everyLayoutTypesPrintableAsciiLettersDigitsAndWhitespace(Layout layout) {
        String basics = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-\n\t";
        assertThat(layout.untypable(basics)).isEmpty();
    }

    @Test
    void germanSwapsZAndY() {
        Layout de = Layout.byName("de");
        assertThat(de.strokes('z')).contains(List.of(new Keystroke(0x1C, 0))); // the key US calls Y
        assertThat(de.strokes('y')).contains(List.of(new Keystroke(0x1D, 0)));
        assertThat(de.strokes('Z')).contains(List.of(new Keystroke(0x1C, SHIFT)));
    }

    @Test
    void frenchAzertyDigitsNeedShiftAndLettersMove() {
        Layout fr = Layout.byName("fr");
        assertThat(fr.strokes('1')).contains(List.of(new Keystroke(0x1E, SHIFT)));
        assertThat(fr.strokes('0')).contains(List.of(new Keystroke(0x27, SHIFT)));
        assertThat(fr.strokes('&')).contains(List.of(new Keystroke(0x1E, 0)));
        assertThat(fr.strokes('a')).contains(List.of(new Keystroke(0x14, 0)));
        assertThat(fr.strokes('m')).contains(List.of(new Keystroke(0x33, 0)));
    }

    @Test
    void frenchEAcuteIsADirectKeyButECircumflexNeedsTheDeadCircumflex() {
        Layout fr = Layout.byName("fr");
        assertThat(fr.strokes('é')).contains(List.of(new Keystroke(0x1F, 0)));
        assertThat(fr.strokes('ê')).contains(List.of(new Keystroke(0x2F, 0), new Keystroke(0x08, 0)));
        assertThat(fr.strokes('ë')).contains(List.of(new Keystroke(0x2F, SHIFT), new Keystroke(0x08, 0)));
        assertThat(fr.strokes('Ê')).contains(List.of(new Keystroke(0x2F, 0), new Keystroke(0x08, SHIFT)));
    }

    @Test
    void germanCaretIsTheDeadKeyThenSpace() {
        Layout de = Layout.byName("de");
        assertThat(de.strokes('^')).contains(List.of(new Keystroke(0x35, 0), new Keystroke(0x2C, 0)));
        assertThat(de.strokes('â')).contains(List.of(new Keystroke(0x35, 0), new Keystroke(0x04, 0)));
        assertThat(de.strokes('´')).contains(List.of(new Keystroke(0x2E, 0), new Keystroke(0x2C, 0)));
        assertThat(de.strokes('`')).contains(List.of(new Keystroke(0x2E, SHIFT), new Keystroke(0x2C, 0)));
    }

    @Test
    void ukHashHasItsOwnKeyAndPoundIsShiftThree() {
        Layout uk = Layout.byName("uk");
        assertThat(uk.strokes('#')).contains(List.of(new Keystroke(0x32, 0)));
        assertThat(uk.strokes('£')).contains(List.of(new Keystroke(0x20, SHIFT)));
        assertThat(uk.strokes('@')).contains(List.of(new Keystroke(0x34, SHIFT)));
        assertThat(uk.strokes('"')).contains(List.of(new Keystroke(0x1F, SHIFT)));
        assertThat(uk.strokes('\\')).contains(List.of(new Keystroke(0x64, 0)));
    }

    @Test
    void swissGermanPutsAccentsOnTheUmlautKeysAndTildeOnADeadKey() {
        Layout ch = Layout.byName("ch-de");
        assertThat(ch.strokes('z')).contains(List.of(new Keystroke(0x1C, 0)));
        assertThat(ch.strokes('é')).contains(List.of(new Keystroke(0x33, SHIFT)));
        assertThat(ch.strokes('à')).contains(List.of(new Keystroke(0x34, SHIFT)));
        assertThat(ch.strokes('!')).contains(List.of(new Keystroke(0x30, SHIFT)));
        assertThat(ch.strokes('@')).contains(List.of(new Keystroke(0x1F, ALTGR)));
        assertThat(ch.strokes('~')).contains(List.of(new Keystroke(0x2E, ALTGR), new Keystroke(0x2C, 0)));
        assertThat(ch.strokes('ñ')).contains(List.of(new Keystroke(0x2E, ALTGR), new Keystroke(0x11, 0)));
    }

    @Test
    void japaneseAtSignHasItsOwnKeyAndYenAndRoKeysTypeBackslash() {
        Layout jp = Layout.byName("jp");
        assertThat(jp.strokes('@')).contains(List.of(new Keystroke(0x2F, 0)));
        assertThat(jp.strokes('\\')).contains(List.of(new Keystroke(0x89, 0)));
        assertThat(jp.strokes('|')).contains(List.of(new Keystroke(0x89, SHIFT)));
        assertThat(jp.strokes('_')).contains(List.of(new Keystroke(0x87, SHIFT)));
        assertThat(jp.strokes(':')).contains(List.of(new Keystroke(0x34, 0)));
        assertThat(jp.decoder().decode(0x87, 0)).isEqualTo('\\');
    }

    @Test
    void altGrTypesEuroAtAndBraces() {
        Layout de = Layout.byName("de");
        assertThat(de.strokes('€')).contains(List.of(new Keystroke(0x08, ALTGR)));
        assertThat(de.strokes('@')).contains(List.of(new Keystroke(0x14, ALTGR)));
        assertThat(de.strokes('{')).contains(List.of(new Keystroke(0x24, ALTGR)));
        assertThat(de.strokes('\\')).contains(List.of(new Keystroke(0x2D, ALTGR)));
        assertThat(Layout.byName("es").strokes('@')).contains(List.of(new Keystroke(0x1F, ALTGR)));
        assertThat(Layout.byName("it").strokes('{')).contains(List.of(new Keystroke(0x2F, SHIFT | ALTGR)));
        assertThat(Layout.byName("se").strokes('€')).contains(List.of(new Keystroke(0x08, ALTGR)));
        assertThat(new Keystroke(0x2F, SHIFT | ALTGR).modifierUsages()).containsExactly(0xE6, 0xE1);
    }

    @Test
    void nordicLayoutsTypeTheirOwnLetters() {
        assertThat(Layout.byName("se").strokes('å')).contains(List.of(new Keystroke(0x2F, 0)));
        assertThat(Layout.byName("fi").strokes('ä')).contains(List.of(new Keystroke(0x34, 0)));
        assertThat(Layout.byName("no").strokes('ø')).contains(List.of(new Keystroke(0x33, 0)));
        assertThat(Layout.byName("dk").strokes('ø')).contains(List.of(new Keystroke(0x34, 0)));
        assertThat(Layout.byName("es").strokes('ñ')).contains(List.of(new Keystroke(0x33, 0)));
    }

    @Test
    void charactersALayoutCannotTypeAreListedWithTheirPlace() {
        assertThat(Layout.byName("it").untypable("a~b`c"))
                .containsExactly(new UntypableChar(1, '~'), new UntypableChar(3, '`'));
        List<UntypableChar> us = Layout.byName("us").untypable("café 😀!");
        assertThat(us).extracting(UntypableChar::toString).containsExactly("'é' (U+00E9) at 3", "'😀' (U+1F600) at 5");
        assertThat(Layout.byName("us").untypable("line\r\nnext\r")).isEmpty();
    }

    @Test
    void decoderHonoursCapsLockOnLettersOnly() {
        KeystrokeDecoder de = Layout.byName("de").decoder();
        int caps = KeystrokeDecoder.CAPS_LOCK;
        assertThat(de.decode(0x04, caps)).isEqualTo('A');
        assertThat(de.decode(0x04, caps | SHIFT)).isEqualTo('a');
        assertThat(de.decode(0x1E, caps)).isEqualTo('1');
        assertThat(de.decode(0x33, caps)).isEqualTo('Ö');
        assertThat(de.decode(0x08, caps | ALTGR)).isEqualTo('€');
    }

    @Test
    void decoderTreatsCtrlAltAsAltGrAndOtherShortcutsAsNoText() {
        KeystrokeDecoder de = Layout.byName("de").decoder();
        assertThat(de.decode(0x08, 0x05)).isEqualTo('€'); // Left Ctrl + Left Alt, as Windows reads it
        assertThat(de.decode(0x04, 0x01)).isZero();        // Ctrl+A
        assertThat(de.decode(0x04, 0x08)).isZero();        // Win+A
        assertThat(de.decode(0x28, 0)).isEqualTo('\n');
        assertThat(de.decode(0x2B, 0)).isEqualTo('\t');
    }

    @Test
    void decoderKeepsADeadKeyPendingUntilTheNextPress() {
        KeystrokeDecoder fr = Layout.byName("fr").decoder();
        assertThat(fr.decode(0x2F, 0)).isZero();           // dead ^
        assertThat(fr.decode(0x12, SHIFT)).isEqualTo('Ô');
        assertThat(fr.decode(0x12, 0)).isEqualTo('o');     // nothing pending any more
        assertThat(fr.decode(0x2F, 0)).isZero();
        assertThat(fr.decode(0x1B, 0)).isEqualTo('x');     // ^ + x does not compose: the accent is dropped
        assertThat(fr.decode(0x2F, 0)).isZero();
        fr.reset();
        assertThat(fr.decode(0x08, 0)).isEqualTo('e');
    }

    @Test
    void usBackslashAndIsoHashKeysAreOneKeyToTheHost() {
        assertThat(Layout.byName("us").decoder().decode(0x32, SHIFT)).isEqualTo('|');
        assertThat(Layout.byName("uk").decoder().decode(0x31, 0)).isEqualTo('#');
    }

    @Test
    void theLegendShowsWhatEachKeyTypesIncludingDeadKeys() {
        var de = Layout.byName("de").legend();
        assertThat(de.get("KeyQ")).containsExactly("q", "Q", "@", "");
        assertThat(de.get("KeyY")).containsExactly("z", "Z", "", "");
        assertThat(de.get("Backquote")).containsExactly("^\u25CC", "°", "", "");
        assertThat(de).doesNotContainKeys("Space", "Enter", "F1");
        assertThat(Layout.byName("jp").legend()).containsKeys("IntlYen", "IntlRo", "IntlHash").doesNotContainKey("Backslash");
        assertThat(Layout.byName("us").legend()).containsKey("Backslash").doesNotContainKey("IntlHash");
    }

    @Test
    void layoutsAnswerToAliasesAndUnknownNamesListTheKnownOnes() {
        assertThat(Layout.byName("fi").name()).isEqualTo("se");
        assertThat(Layout.byName("GB").name()).isEqualTo("uk");
        assertThat(Layout.byName("ch_de").name()).isEqualTo("ch-de");
        assertThat(Layout.find("klingon")).isEmpty();
        assertThatThrownBy(() -> Layout.byName("klingon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown keyboard layout 'klingon'").hasMessageContaining("us, uk, de");
    }
}
