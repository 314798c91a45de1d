package org.passkvm.power;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.Appliance;
import org.passkvm.appliance.TestAppliance;

/** How the power settings pick parts (their refusals, which need no running appliance, are in SettingsTest). */
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
    void aConfiguredMacEnablesWakeOnLan() throws Exception {
        try (Appliance a = start("wol:\n  mac: 52:54:00:12:34:56\n  broadcast: 127.0.0.1\n  port: 40009\n")) {
            assertThat(a.web().health().snapshot().get("atx").details()).containsEntry("wol", true);
        }
    }
}
