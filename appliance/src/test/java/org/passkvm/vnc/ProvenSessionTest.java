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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.web.Role;
import org.passkvm.web.auth.LoginLimiter;

/**
 * A session whose user the web login proved (the noVNC WebSocket): security type None there, never on the VNC port,
 * and the proven user's role deciding what reaches the target.
 */
class ProvenSessionTest {

    private final RecordingHid hid = new RecordingHid();
    private final List<KeyboardReport> keyboard = hid.keyboard;
    private final HidInput input = new HidInput(hid);
    private final Screens screens = new Screens();
    private final Map<Channel, String> users = new ConcurrentHashMap<>();
    private final LoginLimiter limiter = new LoginLimiter(1, Duration.ofMinutes(15), Duration.ofSeconds(60), Clock.systemUTC());
    private EmbeddedChannel channel;

    ProvenSessionTest() {
        int[] pixels = new int[64 * 32];
        Arrays.fill(pixels, 0x102030);
        screens.publish(new Screen(64, 32, pixels, new byte[0], 1));
    }

    private EmbeddedChannel connect(VncPasswords.Login proven) {
        VncServer.Shared shared = new VncServer.Shared(screens, input, null, new Keysyms(Layout.byName("us")), null,
                (challenge, response) -> Optional.empty(), (user, password) -> Optional.empty(), null, limiter, "PassKVM", users);
        return proven == null ? new EmbeddedChannel(new RfbDecoder(), new VncSession(shared))
                : new EmbeddedChannel(new RfbDecoder(true), new VncSession(shared, proven));
    }

    @Test
    void anRfb38ClientOfTheWebSocketIsOfferedNoneAndIsInWithoutAPassword() {
        channel = connect(new VncPasswords.Login("olga", Role.OPERATOR));
        assertThat(text(drain())).isEqualTo("RFB 003.008\n");
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes(drain())).as("one security type: None").containsExactly(1, 1);
        send(new byte[] {1});
        assertThat(drain().readInt()).as("SecurityResult OK").isZero();
        assertThat(users).containsValue("olga");
        send(new byte[] {1}); // ClientInit
        ByteBuf init = drain();
        assertThat(init.readUnsignedShort()).isEqualTo(64);
        assertThat(init.readUnsignedShort()).isEqualTo(32);
    }

    @Test
    void anRfb33ClientOfTheWebSocketIsToldNoneAndGoesStraightToClientInit() {
        channel = connect(new VncPasswords.Login("olga", Role.OPERATOR));
        drain();
        send("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII));
        ByteBuf b = drain();
        assertThat(b.readInt()).as("the server's pick: None").isEqualTo(1);
        assertThat(b.readableBytes()).as("no challenge").isZero();
        send(new byte[] {1});
        assertThat(drain().readUnsignedShort()).as("ServerInit's width").isEqualTo(64);
    }

    @Test
    void theWebSocketOffersNoPasswordTypeToFallBackOn() {
        channel = connect(new VncPasswords.Login("olga", Role.OPERATOR));
        drain();
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        drain();
        send(new byte[] {2});
        assertThat(drain().readInt()).as("SecurityResult failed").isEqualTo(1);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theVncPortNeverTakesNone() {
        channel = connect(null);
        drain();
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes(drain())).as("VNC authentication only").containsExactly(1, 2);
        send(new byte[] {1});
        ByteBuf result = drain();
        assertThat(result.readInt()).as("SecurityResult failed").isEqualTo(1);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(users).isEmpty();
    }

    @Test
    void aProvenViewersKeysReachNothingAndAnOperatorsDo() {
        channel = connect(new VncPasswords.Login("vera", Role.VIEWER));
        handshake();
        send(key('a'));
        assertThat(keyboard).isEmpty();
        channel = connect(new VncPasswords.Login("olga", Role.OPERATOR));
        handshake();
        send(key('a'));
        assertThat(keyboard).last().isEqualTo(KeyboardReport.of(0, 0x04));
    }

    private void handshake() {
        drain();
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        drain();
        send(new byte[] {1});
        drain();
        send(new byte[] {1});
        drain();
    }

    private static byte[] key(int keysym) {
        return Unpooled.buffer(8).writeByte(4).writeByte(1).writeShort(0).writeInt(keysym).array();
    }

    private void send(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private ByteBuf drain() {
        return Wire.drain(channel);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static String text(ByteBuf b) {
        return b.toString(StandardCharsets.US_ASCII);
    }
}
