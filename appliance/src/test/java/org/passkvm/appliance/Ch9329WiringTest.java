package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fazecast.jSerialComm.SerialPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.hid.serial.Ch9329Frame;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;
import org.passkvm.web.TestHttps;

/** hid.output: ch9329 end to end: REST key presses and a paste arrive at a chip played on a socat pty pair. */
class Ch9329WiringTest {

    @TempDir
    Path dir;
    private Process socat;
    private SerialPort chip;
    private Thread chipThread;
    private volatile boolean running = true;
    private final List<String> keyboardFrames = new CopyOnWriteArrayList<>();
    private TestAppliance app;
    private TestHttps client;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        running = false;
        if (chipThread != null) {
            chipThread.join(1000);
        }
        if (chip != null) {
            chip.closePort();
        }
        if (socat != null) {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void keysAndPastesReachTheChipAndHealthShowsIt() throws Exception {
        Tools.require("socat");
        Path chipEnd = dir.resolve("chip");
        Path hostEnd = dir.resolve("host");
        socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + chipEnd, "pty,raw,echo=0,link=" + hostEnd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Await.until(Duration.ofSeconds(10), () -> Files.exists(chipEnd) && Files.exists(hostEnd), "socat's two pty links");
        playChip(chipEnd);
        app = TestAppliance.start(dir, "hid:\n  output: ch9329\n  serial_port: " + hostEnd + "\n  baud: 115200\n");
        client = app.admin();

        JsonNode hid = awaitHealth();
        assertThat(hid.get("implementation").asText()).isEqualTo("ch9329");
        assertThat(hid.at("/details/massStorage").asText()).isEqualTo("not available on CH9329");

        keyboardFrames.clear(); // e.g. the release sent when the password change ended sessions
        assertThat(client.call("POST", "/api/hid/key", Map.of("code", "KeyA")).statusCode()).isEqualTo(200);
        awaitFrames(2);
        // (a machine too busy to answer in time makes the writer resend or release first: order is what counts)
        assertThat(keyboardFrames).containsSubsequence(
                "57 AB 00 02 08 00 00 04 00 00 00 00 00 10", "57 AB 00 02 08 00 00 00 00 00 00 00 00 0C");

        keyboardFrames.clear();
        assertThat(client.call("POST", "/api/hid/paste", Map.of("text", "A")).statusCode()).isEqualTo(202);
        PasteApiTest.awaitPaste(client);
        awaitFrames(5);
        assertThat(keyboardFrames).containsSubsequence(
                "57 AB 00 02 08 02 00 00 00 00 00 00 00 0E",  // Left Shift
                "57 AB 00 02 08 02 00 04 00 00 00 00 00 12",  // Shift+A
                "57 AB 00 02 08 02 00 00 00 00 00 00 00 0E",
                "57 AB 00 02 08 00 00 00 00 00 00 00 00 0C");
        assertThat(client.json("GET", "/api/hid/layouts", null).get("minDelayMs").asInt()).isEqualTo(5);
    }

    private JsonNode awaitHealth() {
        return Await.value(Duration.ofSeconds(5), () -> {
            JsonNode hid = client.json("GET", "/api/health", null).at("/capabilities/hid");
            return hid.isMissingNode() ? client.json("GET", "/api/health", null).at("/hid") : hid;
        }, hid -> "configured".equals(hid.path("state").asText()), "HID state configured in /api/health");
    }

    private void awaitFrames(int count) {
        Await.until(Duration.ofSeconds(5), () -> keyboardFrames.size() >= count, count + " keyboard frames at the chip");
    }

    /** A CH9329 that answers every frame with success and reports the host's USB as attached. */
    private void playChip(Path path) {
        chip = SerialPort.getCommPort(path.toString());
        chip.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 50, 0);
        assertThat(chip.openPort()).isTrue();
        chipThread = new Thread(() -> {
            byte[] buf = new byte[64];
            int have = 0;
            while (running) {
                int n = chip.readBytes(buf, buf.length - have, have);
                if (n < 0) {
                    return;
                }
                have += n;
                while (have >= 6 && have >= 6 + (buf[4] & 0xFF)) {
                    int len = 6 + (buf[4] & 0xFF);
                    byte[] frame = java.util.Arrays.copyOf(buf, len);
                    System.arraycopy(buf, len, buf, 0, have - len);
                    have -= len;
                    int command = frame[3] & 0xFF;
                    byte[] reply = command == Ch9329Frame.CMD_GET_INFO
                            ? Ch9329Frame.encode(0x81, (byte) 0x30, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0)
                            : Ch9329Frame.encode(command | 0x80, (byte) 0);
                    if (command == Ch9329Frame.CMD_SEND_KB_GENERAL_DATA) {
                        keyboardFrames.add(Ch9329Frame.hex(frame));
                    }
                    chip.writeBytes(reply, reply.length);
                }
            }
        }, "test-chip");
        chipThread.setDaemon(true);
        chipThread.start();
    }
}
