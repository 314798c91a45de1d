package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.passkvm.appliance.settings.Schema;
import org.passkvm.testkit.Tools;

/**
 * The declared settings of every part, checked the way start-up checks them, without starting anything: each
 * wrong value or unknown key is refused with one line naming it, and docs/configuration.md shows exactly what the
 * parts declare.
 */
class SettingsTest {

    private static final String DOC_BEGIN = "<!-- settings: generated from the parts' declarations; SettingsTest checks it -->\n```yaml\n";
    private static final String DOC_END = "```\n<!-- settings: end -->";

    @TempDir
    Path dir;

    private Schema.Settings read(String yaml) throws Exception {
        Path f = dir.resolve("passkvm.yaml");
        Files.writeString(f, yaml);
        return Appliance.SCHEMA.read(Config.load(f));
    }

    @Test
    void anEmptyFileIsValidAndGivesEveryDefault() throws Exception {
        Schema.Settings s = read("");
        assertThat(s.section("video").get(VideoCapability.QUALITY)).isEqualTo(80);
        assertThat(s.section("atx").get(PowerCapability.LONG_PRESS).toMillis()).isEqualTo(5500);
        assertThat(s.section("hid").section("gadget").get(GadgetSettings.VENDOR_ID)).isEqualTo(0x1d6b);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "atx:\\n  long_press_ms: 10                 | atx.long_press_ms: must be a number of milliseconds from 1000 to 30000, got '10'",
        "atx:\\n  power_pins: 3                     | atx.power_pins: unknown setting",
        "atx:\\n  backend: gpio                     | atx.power_pin: GPIO needs at least atx.power_pin and atx.power_led_pin",
        "atx:\\n  reset_pin: 17                     | atx.power_pin: GPIO needs at least atx.power_pin and atx.power_led_pin",
        "wol:\\n  mac: 12:34                        | wol.mac: MAC address must be six hex bytes",
        "hid:\\n  output: usb                       | hid.output: must be one of auto, gadget, ch9329, demo, off, got 'usb'",
        "hid:\\n  keyboard_layout: klingon          | hid.keyboard_layout: unknown layout; known:",
        "hid:\\n  output: ch9329\\n  paste_delay_ms: 5 | hid.paste_delay_ms: must be from 59 to 1000, got 5",
        "hid:\\n  gadget:\\n    vendor_id: 70000    | hid.gadget.vendor_id: must be from 0 to 65535, got 70000",
        "video:\\n  input_format: h265              | video.input_format: must be one of auto, mjpeg",
        "video:\\n  h264:\\n    encoder: nvenc      | video.h264.encoder: must be auto, off, h264_v4l2m2m",
        "media:\\n  inquiry:\\n    vendor: 'far too long a vendor' | media.inquiry.vendor/product/revision:",
        "vm:\\n  uri: somewhere                     | vm.uri: must be demo, off or a libvirt URI",
        "vm:\\n  gadget_usb_id: keyboard            | vm.gadget_usb_id:",
        "web:\\n  session_idle_minutes: lots        | web.session_idle_minutes: must be a whole number from 1 to 1440, got 'lots'",
        "demo:\\n  boot_ms: -1                      | demo.boot_ms: must be from 0 to 60000, got -1",
        "colour: red                             | colour: unknown setting",
    })
    void aWrongSettingIsRefusedByNameBeforeAnythingStarts(String yaml, String message) {
        assertThatThrownBy(() -> read(yaml.replace("\\n", "\n").strip() + "\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(message.strip());
    }

    @Test
    void ch9329PasteDelayDefaultsToWhatTheSerialLineTakes() throws Exception {
        Schema.Settings s = read("hid:\n  output: ch9329\n");
        assertThat(s.section("hid").get(HidCapability.PASTE_DELAY)).isEqualTo(15); // the wiring raises it to the line's floor
    }

    /**
     * docs/configuration.md's settings block is what the parts declare, key for key. To rewrite it after changing a
     * declaration: {@code mvn -pl appliance -am test -Dtest=SettingsTest -Dpasskvm.writeDocs=true}.
     */
    @Test
    void theConfigurationDocShowsExactlyTheDeclaredSettings() throws Exception {
        Path doc = Tools.repository().resolve("docs/configuration.md");
        String text = Files.readString(doc);
        int begin = text.indexOf(DOC_BEGIN);
        int end = text.indexOf(DOC_END);
        assertThat(begin).as("docs/configuration.md has the generated block's markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String generated = Appliance.SCHEMA.yaml();
        if (Boolean.getBoolean("passkvm.writeDocs")) {
            Files.writeString(doc, text.substring(0, begin + DOC_BEGIN.length()) + generated + text.substring(end));
            return;
        }
        assertThat(text.substring(begin + DOC_BEGIN.length(), end))
                .as("docs/configuration.md differs from the declarations; rewrite it with -Dpasskvm.writeDocs=true")
                .isEqualTo(generated);
    }
}
