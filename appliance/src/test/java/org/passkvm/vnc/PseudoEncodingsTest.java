package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.passkvm.hid.KeyboardLeds;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.web.Role;
import org.passkvm.web.auth.LoginLimiter;

/** The pseudo-encodings a client asks for: the pointer's shape, the desktop's size and layout, the keyboard LEDs. */
class PseudoEncodingsTest {

    private final Screens screens = new Screens();
    private final Leds leds = new Leds();
    private final Map<Channel, String> users = new ConcurrentHashMap<>();
    private final EmbeddedChannel channel;

    PseudoEncodingsTest() {
        screens.publish(solid(64, 32));
        VncServer.Shared shared = new VncServer.Shared(screens, null, null, new Keysyms(Layout.byName("us")), null,
                (challenge, response) -> Optional.empty(), (user, password) -> Optional.empty(), null,
                new LoginLimiter(5, Duration.ofMinutes(15), Duration.ofSeconds(60), Clock.systemUTC()), "PassKVM", users, leds);
        channel = new EmbeddedChannel(new RfbDecoder(true), new VncSession(shared, new VncPasswords.Login("olga", Role.OPERATOR)));
        drain();
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        drain();
        send(new byte[] {1});
        drain();
        send(new byte[] {1});
        drain();
    }

    @Test
    void aClientThatAsksForCursorIsSentAnArrowWithItsMask() {
        setEncodings(ServerMessages.RAW, PseudoRects.CURSOR);
        ByteBuf b = drain();
        assertThat((int) b.readUnsignedByte()).as("FramebufferUpdate").isZero();
        b.skipBytes(1);
        assertThat(b.readUnsignedShort()).as("rectangles").isEqualTo(1);
        assertThat(b.readUnsignedShort()).as("hot spot x").isZero();
        assertThat(b.readUnsignedShort()).as("hot spot y").isZero();
        int w = b.readUnsignedShort();
        int h = b.readUnsignedShort();
        assertThat(b.readInt()).isEqualTo(PseudoRects.CURSOR);
        assertThat(b.readableBytes()).as("32-bit pixels, then one mask bit a pixel").isEqualTo(w * h * 4 + (w + 7) / 8 * h);
        b.skipBytes(w * h * 4);
        assertThat((int) b.readUnsignedByte()).as("the tip's row: only the tip is opaque").isEqualTo(0x80);
    }

    @Test
    void extendedDesktopSizeIsAnnouncedAtOnceAndAResizeRequestIsProhibited() {
        setEncodings(ServerMessages.RAW, PseudoRects.EXTENDED_DESKTOP_SIZE);
        ByteBuf b = drain();
        b.skipBytes(4);
        assertThat(b.readUnsignedShort()).as("reason: the server").isEqualTo(PseudoRects.REASON_SERVER);
        assertThat(b.readUnsignedShort()).as("status").isEqualTo(PseudoRects.STATUS_OK);
        assertThat(b.readUnsignedShort()).isEqualTo(64);
        assertThat(b.readUnsignedShort()).isEqualTo(32);
        assertThat(b.readInt()).isEqualTo(PseudoRects.EXTENDED_DESKTOP_SIZE);
        assertThat((int) b.readUnsignedByte()).as("screens").isEqualTo(1);

        // SetDesktopSize 800x600 with one screen: refused, the connection stays.
        ByteBuf ask = Unpooled.buffer().writeByte(251).writeByte(0).writeShort(800).writeShort(600).writeByte(1).writeByte(0);
        ask.writeInt(0).writeShort(0).writeShort(0).writeShort(800).writeShort(600).writeInt(0);
        channel.writeInbound(ask);
        ByteBuf answer = drain();
        answer.skipBytes(4);
        assertThat(answer.readUnsignedShort()).as("reason: the client asked").isEqualTo(PseudoRects.REASON_CLIENT);
        assertThat(answer.readUnsignedShort()).as("status").isEqualTo(PseudoRects.STATUS_PROHIBITED);
        assertThat(answer.readUnsignedShort()).as("the size it stays").isEqualTo(64);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aResolutionChangeIsAnExtendedDesktopSizeForClientsThatAskedForIt() {
        setEncodings(ServerMessages.RAW, ServerMessages.DESKTOP_SIZE, PseudoRects.EXTENDED_DESKTOP_SIZE);
        drain();
        send(new byte[] {3, 0, 0, 0, 0, 0, 0, 64, 0, 32});
        drain();
        send(new byte[] {3, 1, 0, 0, 0, 0, 0, 64, 0, 32}); // waiting for a change
        screens.publish(solid(128, 96));
        ByteBuf b = drain();
        b.skipBytes(4);
        b.skipBytes(4);
        assertThat(b.readUnsignedShort()).isEqualTo(128);
        assertThat(b.readUnsignedShort()).isEqualTo(96);
        assertThat(b.readInt()).isEqualTo(PseudoRects.EXTENDED_DESKTOP_SIZE);
    }

    @Test
    void theKeyboardLedsAreSentWhenAskedForAndAgainWhenTheTargetChangesThem() {
        setEncodings(ServerMessages.RAW, PseudoRects.QEMU_LED_STATE);
        assertThat(ledByte(drain())).as("all off").isZero();
        leds.publish(new KeyboardLeds(true, true, false));
        assertThat(ledByte(drain())).as("Num Lock and Caps Lock").isEqualTo(2 | 4);
        leds.publish(new KeyboardLeds(true, true, false));
        assertThat(drain().readableBytes()).as("nothing for LEDs that did not change").isZero();
        channel.close();
        leds.publish(new KeyboardLeds(false, false, true));
        assertThat(drain().readableBytes()).as("nothing after the client left").isZero();
    }

    private static int ledByte(ByteBuf b) {
        b.skipBytes(4 + 8);
        assertThat(b.readInt()).isEqualTo(PseudoRects.QEMU_LED_STATE);
        return b.readUnsignedByte();
    }

    private void setEncodings(int... encodings) {
        ByteBuf b = Unpooled.buffer().writeByte(2).writeByte(0).writeShort(encodings.length);
        for (int e : encodings) {
            b.writeInt(e);
        }
        channel.writeInbound(b);
    }

    private void send(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private ByteBuf drain() {
        return Wire.drain(channel);
    }

    private static Screen solid(int width, int height) {
        int[] pixels = new int[width * height];
        Arrays.fill(pixels, 0x102030);
        return new Screen(width, height, pixels, new byte[0], width);
    }
}
