package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    private Config load(String yaml) throws Exception {
        Path f = dir.resolve("passkvm.yaml");
        Files.writeString(f, yaml);
        return Config.load(f);
    }

    @Test
    void anEmptyFileMeansEveryDefault() throws Exception {
        Config c = load("");
        assertThat(c.section("web").integer("session_idle_minutes", 30, 1, 1440)).isEqualTo(30);
        c.rejectUnknownKeys();
    }

    @Test
    void aWrongValueNamesTheKeyAndTheProblem() throws Exception {
        Config c = load("web:\n  session_idle_minutes: lots\n");
        assertThatThrownBy(() -> c.section("web").integer("session_idle_minutes", 30, 1, 1440))
                .isInstanceOf(ConfigException.class)
                .hasMessage("web.session_idle_minutes: must be a whole number from 1 to 1440, got 'lots'");
    }

    @Test
    void aTypoInAKeyStopsStartUp() throws Exception {
        Config c = load("web:\n  sesion_idle_minutes: 5\n");
        c.section("web").integer("session_idle_minutes", 30, 1, 1440);
        assertThatThrownBy(c::rejectUnknownKeys).hasMessageStartingWith("web.sesion_idle_minutes: unknown setting");
    }

    @Test
    void choicesListWhatIsAllowed() throws Exception {
        Config c = load("hid:\n  output: usb\n");
        assertThatThrownBy(() -> c.section("hid").choice("output", HidCapability.Output.AUTO))
                .hasMessage("hid.output: must be one of auto, gadget, ch9329, demo, off, got 'usb'");
    }

    @Test
    void brokenYamlIsReportedWithTheFileName() throws Exception {
        assertThatThrownBy(() -> load("web: [unclosed\n")).isInstanceOf(ConfigException.class).hasMessageContaining("passkvm.yaml");
    }

    @Test
    void commandLineValuesAreChecked() {
        assertThatThrownBy(() -> StartupOptions.parse(new String[] {"--port", "70000"}))
                .hasMessage("--port: must be a port number from 1 to 65535, got '70000'");
        assertThatThrownBy(() -> StartupOptions.parse(new String[] {"--colour", "red"})).hasMessageStartingWith("--colour: unknown option");
    }
}
