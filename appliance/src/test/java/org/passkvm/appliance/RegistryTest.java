package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.settings.Schema;
import org.passkvm.appliance.settings.Section;
import org.passkvm.appliance.settings.Values;
import org.passkvm.web.Health;

/** How the registry decides every part before any starts, whatever order the capabilities are listed in. */
class RegistryTest {

    @TempDir
    Path dir;

    private Choices choose(String yaml, List<Capability> capabilities) throws Exception {
        Path f = dir.resolve("passkvm.yaml");
        Files.writeString(f, yaml);
        Schema.Settings settings = Appliance.SCHEMA.read(Config.load(f));
        return new Registry(capabilities).choose(settings);
    }

    /** Media's choice reads HID's (Choices.of throws when asked too early), so this also proves the order. */
    @Test
    void mediaFollowsTheHidChoiceEvenWhenListedFirst() throws Exception {
        List<Capability> mediaFirst = List.of(new MediaCapability(), new VmCapability(), new HidCapability(), new VideoCapability());
        assertThat(choose("hid:\n  output: ch9329\n", mediaFirst).of("media")).isEqualTo("none");
        assertThat(choose("hid:\n  output: gadget\n", mediaFirst).of("media")).isEqualTo("gadget");
        assertThat(choose("hid:\n  output: demo\n", mediaFirst).of("media")).isEqualTo("demo");
        assertThat(choose("hid:\n  output: gadget\nmedia:\n  output: none\n", mediaFirst).of("media")).isEqualTo("none");
    }

    @Test
    void everyCapabilityResolvesAutoToANamedPart() throws Exception {
        Choices c = choose("vm:\n  uri: off\n", Appliance.CAPABILITIES);
        assertThat(c.all()).containsOnlyKeys("video", "hid", "media", "atx", "vm", "vnc", "audio");
        assertThat(c.all().values()).doesNotContain("auto");
        assertThat(c.of("vm")).isEqualTo("off");
        assertThat(c.of("atx")).isEqualTo("demo");
        assertThat(choose("atx:\n  power_pin: 17\n  power_led_pin: 27\n", Appliance.CAPABILITIES).of("atx")).isEqualTo("gpio");
    }

    /** The VNC part was added through the registry alone: it needs video and HID and follows their choices. */
    @Test
    void vncServesWheneverThereIsAPictureAndItsPortIsSet() throws Exception {
        assertThat(choose("", Appliance.CAPABILITIES).of("vnc")).isEqualTo("rfb");
        assertThat(choose("vnc:\n  port: 0\n", Appliance.CAPABILITIES).of("vnc")).isEqualTo("off");
        assertThat(choose("video:\n  source: off\n", Appliance.CAPABILITIES).of("vnc")).isEqualTo("off");
    }

    /** Sound follows the picture: the dongle's ALSA card with V4L2, the demo target's beeps with the demo screen. */
    @Test
    void audioFollowsTheVideoChoice() throws Exception {
        assertThat(choose("video:\n  source: v4l2\n", Appliance.CAPABILITIES).of("audio")).isEqualTo("alsa");
        assertThat(choose("video:\n  source: demo\n", Appliance.CAPABILITIES).of("audio")).isEqualTo("demo");
        assertThat(choose("video:\n  source: off\n", Appliance.CAPABILITIES).of("audio")).isEqualTo("off");
        assertThat(choose("video:\n  source: demo\naudio:\n  source: off\n", Appliance.CAPABILITIES).of("audio")).isEqualTo("off");
    }

    @Test
    void capabilitiesThatNeedEachOtherAreAMistakeCaughtAtOnce() {
        List<Capability> cycle = List.of(fake("a", "b"), fake("b", "a"));
        assertThatThrownBy(() -> new Registry(cycle)).hasMessageContaining("capabilities need each other");
        assertThatThrownBy(() -> new Registry(List.of(fake("a", "nothing")))).hasMessageContaining("needs unknown capability");
    }


    @Test
    void vmControlTurnedOffStillAnswersEveryVmRouteWith503AndWhy() throws Exception {
        try (TestAppliance app = TestAppliance.start(dir, "vm:\n  uri: off\n")) {
            var r = app.admin().get("/api/vms");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("VM control is off (vm.uri: off)");
            assertThat(app.admin().get("/api/health").body()).contains("\"vm\":{\"implementation\":\"off\",\"state\":\"off\"");
        }
    }

    private static Capability fake(String name, String need) {
        return new Capability(name, Section.of(name)) {
            @Override
            List<String> needs() {
                return List.of(need);
            }

            @Override
            String choose(Values settings, Choices chosen) {
                return "demo";
            }

            @Override
            Supplier<Health.Capability> start(String part, Values settings, Parts parts, Choices chosen) {
                return () -> new Health.Capability(part, "ok");
            }
        };
    }
}
