package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One codec for both directions: what PassKVM's RFB client writes is what its server's decoder reads back. */
class ClientMessagesTest {

    @Test
    void everyMessageTheClientSendsDecodesToItself() {
        byte[] response = new byte[16];
        response[3] = 7;
        List<RfbMessage> sent = List.of(new RfbMessage.Version(8), new RfbMessage.SecurityChoice(2),
                new RfbMessage.AuthResponse(response), new RfbMessage.ClientInit(true),
                new RfbMessage.SetPixelFormat(ClientPixelFormat.DEFAULT),
                new RfbMessage.SetEncodings(new int[] {ServerMessages.ZLIB, ServerMessages.RAW, ServerMessages.QEMU_EXTENDED_KEY}),
                new RfbMessage.UpdateRequest(true, 0, 0, 720, 400), new RfbMessage.Key(true, 0xFF1B),
                new RfbMessage.Pointer(4, 12, 34), new RfbMessage.CutText("héllo"), new RfbMessage.QemuKey(false, 0xFF1B, 0x01));
        ByteBuf wire = Unpooled.buffer();
        sent.forEach(m -> ClientMessages.write(m, wire));
        EmbeddedChannel server = new EmbeddedChannel(new RfbDecoder());
        server.writeInbound(wire);
        List<Object> read = new ArrayList<>();
        for (Object m; (m = server.readInbound()) != null; ) {
            read.add(m);
        }
        assertThat(read).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            Object a = sent.get(i);
            Object b = read.get(i);
            if (a instanceof RfbMessage.AuthResponse x) {
                assertThat(((RfbMessage.AuthResponse) b).response()).containsExactly(x.response());
            } else if (a instanceof RfbMessage.SetEncodings x) {
                assertThat(((RfbMessage.SetEncodings) b).encodings()).containsExactly(x.encodings());
            } else {
                assertThat(b).isEqualTo(a);
            }
        }
    }

    @Test
    void keysTravelAsTheScancodesQemuNumbersThem() {
        assertThat(KeyNumbers.qnum(0x29)).as("Escape").isEqualTo(0x01);
        assertThat(KeyNumbers.qnum(0x04)).as("A").isEqualTo(0x1E);
        assertThat(KeyNumbers.qnum(0x4F)).as("ArrowRight, an 0xE0 key").isEqualTo(0xCD);
        assertThat(KeyNumbers.qnum(0x46)).as("PrintScreen: the E0 form, not SysRq").isEqualTo(0xB7);
        assertThat(KeyNumbers.keysym(0x29)).isEqualTo(0xFF1B);
        assertThat(KeyNumbers.keysym(0x04)).isEqualTo('a');
    }
}
