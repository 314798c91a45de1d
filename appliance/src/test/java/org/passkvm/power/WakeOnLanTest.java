package org.passkvm.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WakeOnLanTest {

    @Test
    void magicPacketIsSixFfThenTheMacSixteenTimesAndArrivesOverUdp() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(5000);
            WakeOnLan wol = new WakeOnLan("52:54:00:ab:CD:ef", "127.0.0.1", receiver.getLocalPort());
            wol.send();
            byte[] buf = new byte[512];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            receiver.receive(p);
            byte[] got = Arrays.copyOf(p.getData(), p.getLength());
            assertThat(got).hasSize(102);
            for (int i = 0; i < 6; i++) {
                assertThat(got[i]).isEqualTo((byte) 0xFF);
            }
            byte[] mac = {0x52, 0x54, 0x00, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF};
            for (int r = 0; r < 16; r++) {
                assertThat(Arrays.copyOfRange(got, 6 + r * 6, 12 + r * 6)).as("repetition %d", r).isEqualTo(mac);
            }
            assertThat(wol.mac()).isEqualTo("52:54:00:ab:cd:ef");
        }
    }

    @Test
    void dashesAreAcceptedAndMalformedMacsRefusedWithAClearMessage() {
        assertThat(WakeOnLan.parseMac("52-54-00-AB-CD-EF")).hasSize(6);
        assertThatThrownBy(() -> new WakeOnLan("52:54:00:ab:cd", "255.255.255.255", 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("six hex bytes");
        assertThatThrownBy(() -> WakeOnLan.parseMac("zz:54:00:ab:cd:ef")).isInstanceOf(IllegalArgumentException.class);
    }
}
