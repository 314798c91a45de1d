package org.passkvm.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.Appliance;
import org.passkvm.appliance.ConfigException;
import org.passkvm.appliance.TestAppliance;

/** How the power settings pick parts and refuse mistakes, each with a one-line message naming the key. */
class PowerWiringTest {

    @TempDir
    Path dir;

    Appliance start(String yaml) throws Exception {
        return TestAppliance.startUnclaimed(dir, yaml).appliance();
    }

    @Test
    void withoutPinsTheDemoHeaderRunsAndIpmiPortZeroMeansOff() throws Exception {
        try (Appliance a = start("")) {
            var health = a.web().health().snapshot();
            assertThat(health.get("atx").implementation()).isEqualTo("demo");
            assertThat(health).doesNotContainKey("ipmi");
        }
    }

    @Test
    void gpioWithoutThePowerPinsIsRefusedByName() {
        assertThatThrownBy(() -> start("atx:\n  backend: gpio\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("atx.power_pin");
    }

    @Test
    void aMalformedWakeOnLanMacIsRefusedByName() {
        assertThatThrownBy(() -> start("wol:\n  mac: 12:34\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("wol.mac").hasMessageContaining("six hex bytes");
    }

    @Test
    void outOfRangeTimingsAndUnknownKeysAreRefused() {
        assertThatThrownBy(() -> start("atx:\n  long_press_ms: 10\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("atx.long_press_ms");
        assertThatThrownBy(() -> start("atx:\n  power_pins: 3\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("atx.power_pins");
    }

    @Test
    void aConfiguredMacEnablesWakeOnLan() throws Exception {
        try (Appliance a = start("wol:\n  mac: 52:54:00:12:34:56\n  broadcast: 127.0.0.1\n  port: 40009\n")) {
            assertThat(a.web().health().snapshot().get("atx").details()).containsEntry("wol", true);
        }
    }
}
