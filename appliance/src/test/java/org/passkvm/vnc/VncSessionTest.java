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
import org.passkvm.hid.HidInput;
import org.passkvm.hid.keymap.Layout;
import org.passkvm.hid.paste.Typist;
import org.passkvm.power.PowerControl;
import org.passkvm.power.PressTimings;
import org.passkvm.simulator.DemoAtx;
import org.passkvm.simulator.SimulatedTarget;
import org.passkvm.testkit.Await;
import org.passkvm.hid.report.AbsoluteMouseReport;
import org.passkvm.hid.report.KeyboardReport;
import org.passkvm.web.Role;
import org.passkvm.web.auth.LoginLimiter;

/** The RFB codec and session on an EmbeddedChannel: handshakes, who may type, what is sent, nothing left pressed. */
class VncSessionTest {

    private static final String OPERATOR_PASSWORD = "op3rator";
    private static final String VIEWER_PASSWORD = "v1ewer99";
    private static final int NAVY = 0x102030;

    private final RecordingHid hid = new RecordingHid();
    private final HidInput input = new HidInput(hid);
    private final Typist typist = new Typist(input, new Typist.Settings(0, 0, 1000, 1024));
    private final Screens screens = new Screens();
    private final Map<Channel, String> users = new ConcurrentHashMap<>();
    /** Locks a source out after one wrong password, so one refusal shows it was counted. */
    private final LoginLimiter limiter = new LoginLimiter(1, Duration.ofMinutes(15), Duration.ofSeconds(60), Clock.systemUTC());
    private EmbeddedChannel channel = connect(null);

    private EmbeddedChannel connect(PowerControl power) {
        return new EmbeddedChannel(new RfbDecoder(), new VncSession(new VncServer.Shared(screens, input, typist,
                new Keysyms(Layout.byName("us")), power, this::login, (user, password) -> Optional.empty(), null, limiter,
                "PassKVM", users)));
    }

    VncSessionTest() {
        screens.publish(solid(128, 64, NAVY));
    }

    @Test
    void anRfb38ClientLogsInWithVncAuthAndGetsTheScreensSizeAndFormat() {
        assertThat(text(drain(), 12)).isEqualTo("RFB 003.008\n");
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes(drain())).as("one security type: VNC authentication").containsExactly(1, 2);
        send(new byte[] {2});
        byte[] challenge = bytes(drain());
        assertThat(challenge).hasSize(16);
        send(VncAuth.response(OPERATOR_PASSWORD, challenge));
        assertThat(drain().readInt()).as("SecurityResult OK").isZero();
        assertThat(users).containsValue("olga");
        send(new byte[] {1});
        ByteBuf init = drain();
        assertThat(init.readUnsignedShort()).isEqualTo(128);
        assertThat(init.readUnsignedShort()).isEqualTo(64);
        assertThat((int) init.readUnsignedByte()).as("bits per pixel").isEqualTo(32);
        init.skipBytes(15);
        assertThat(init.readCharSequence(init.readInt(), StandardCharsets.UTF_8).toString()).isEqualTo("PassKVM");
    }

    @Test
    void anRfb33ClientIsToldTheSecurityTypeAndChallengedAtOnce() {
        drain();
        send("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII));
        ByteBuf b = drain();
        assertThat(b.readInt()).as("the server's pick: VNC authentication").isEqualTo(2);
        assertThat(b.readableBytes()).as("the challenge").isEqualTo(16);
    }

    @Test
    void aWrongPasswordIsRefusedWithAReasonAndCounted() {
        drain();
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        drain();
        send(new byte[] {2});
        byte[] challenge = bytes(drain());
        send(VncAuth.response("guessing", challenge));
        ByteBuf result = drain();
        assertThat(result.readInt()).isEqualTo(1);
        assertThat(text(result, result.readInt())).isEqualTo("authentication failed");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(limiter.retryAfter("embedded", "")).as("counted by the login limiter").isPositive();
    }

    @Test
    void anOperatorsKeysReachTheTargetAndAreReleasedWhenTheViewerGoesAway() {
        loginAs(OPERATOR_PASSWORD);
        send(key(true, 'a'));
        assertThat(hid.keyboard).last().isEqualTo(KeyboardReport.of(0, 0x04));
        send(key(true, 0xFFE1)); // Shift_L held as the viewer closes
        channel.close();
        assertThat(hid.keyboard).last().isEqualTo(KeyboardReport.EMPTY);
    }

    @Test
    void aViewersKeysAndPointerReachNothing() {
        loginAs(VIEWER_PASSWORD);
        send(key(true, 'a'));
        send(key(false, 'a'));
        send(pointer(1, 10, 10));
        assertThat(hid.keyboard).isEmpty();
        assertThat(hid.absolute).isEmpty();
    }

    @Test
    void qemuExtendedKeysAreAcknowledgedAndTheScancodeWinsOverTheKeysym() {
        loginAs(OPERATOR_PASSWORD);
        send(setEncodings(ServerMessages.RAW, ServerMessages.QEMU_EXTENDED_KEY));
        ByteBuf ack = drain();
        ack.skipBytes(4 + 8);
        assertThat(ack.readInt()).as("acknowledged with a rectangle of its pseudo-encoding").isEqualTo(ServerMessages.QEMU_EXTENDED_KEY);
        // An AZERTY viewer: the key labelled A sends keysym 'a' but scancode 0x10, which is Q's place on US keyboards.
        send(Unpooled.buffer().writeByte(255).writeByte(0).writeShort(1).writeInt('a').writeInt(0x10));
        assertThat(hid.keyboard).last().isEqualTo(KeyboardReport.of(0, 0x14));
    }

    @Test
    void thePointerIsAbsoluteAcrossTheScreenAndItsButtonsAreReleasedOnDisconnect() {
        loginAs(OPERATOR_PASSWORD);
        send(pointer(1, 127, 63)); // bottom-right pixel, left button down
        assertThat(hid.absolute).last().isEqualTo(new AbsoluteMouseReport(1, 32767, 32767, 0, 0));
        send(pointer(8, 127, 63)); // left up, wheel up pressed
        assertThat(hid.absolute).last().isEqualTo(new AbsoluteMouseReport(0, 32767, 32767, 1, 0));
        send(pointer(4, 0, 0)); // right down
        channel.close();
        assertThat(hid.absolute).last().extracting(AbsoluteMouseReport::buttons).isEqualTo(0);
    }

    @Test
    void pixelsAreSentInTheClientsFormatWithRedInTheLowByte() {
        loginAs(OPERATOR_PASSWORD);
        ByteBuf format = Unpooled.buffer().writeByte(0).writeZero(3);
        new ClientPixelFormat(32, 24, false, 255, 255, 255, 0, 8, 16).write(format);
        send(format);
        send(updateRequest(false));
        ByteBuf update = drain();
        assertThat((int) update.readUnsignedByte()).as("FramebufferUpdate").isZero();
        update.skipBytes(1);
        assertThat(update.readUnsignedShort()).as("one rectangle per row of changed tiles").isEqualTo(1);
        update.skipBytes(8);
        assertThat(update.readInt()).isEqualTo(ServerMessages.RAW);
        assertThat(update.readIntLE()).as("0x102030 with red at shift 0").isEqualTo(0x302010);
    }

    @Test
    void anIncrementalUpdateSendsOnlyTheTilesThatChangedAndNothingForAStillScreen() {
        loginAs(OPERATOR_PASSWORD);
        send(updateRequest(false));
        drain();
        send(updateRequest(true));
        assertThat(channel.<ByteBuf>readOutbound()).as("nothing changed, nothing sent").isNull();
        Screen changed = solid(128, 64, NAVY);
        changed.rgb()[10 * 128 + 100] = 0xFFFFFF; // one pixel in the second 64×64 tile
        screens.publish(new Screen(128, 64, changed.rgb(), new byte[0], 2));
        ByteBuf update = drain();
        update.skipBytes(2);
        assertThat(update.readUnsignedShort()).isEqualTo(1);
        assertThat(new int[] {update.readUnsignedShort(), update.readUnsignedShort(), update.readUnsignedShort(),
            update.readUnsignedShort()}).containsExactly(64, 0, 64, 64);
    }

    @Test
    void aNewResolutionReachesClientsThatTakeDesktopSize() {
        loginAs(OPERATOR_PASSWORD);
        send(setEncodings(ServerMessages.ZRLE, ServerMessages.DESKTOP_SIZE));
        send(updateRequest(false));
        drain();
        screens.publish(solid(256, 128, NAVY));
        send(updateRequest(true));
        ByteBuf update = drain();
        update.skipBytes(4);
        assertThat(new int[] {update.readUnsignedShort(), update.readUnsignedShort(), update.readUnsignedShort(),
            update.readUnsignedShort(), update.readInt()}).containsExactly(0, 0, 256, 128, ServerMessages.DESKTOP_SIZE);
    }

    @Test
    void aViewersClipboardIsNotTyped() throws Exception {
        loginAs(VIEWER_PASSWORD);
        send(cutText("no"));
        assertThat(typist.awaitIdle(5_000)).isTrue();
        assertThat(hid.keyboard).isEmpty();
    }

    @Test
    void anOperatorsClipboardIsTyped() throws Exception {
        loginAs(OPERATOR_PASSWORD);
        send(cutText("Hi"));
        assertThat(typist.awaitIdle(5_000)).isTrue();
        assertThat(hid.keyboard).contains(KeyboardReport.of(0x02, 0x0B), KeyboardReport.of(0, 0x0C)); // Shift+h, i
    }

    @Test
    void xvpGivesOperatorsTheResetButtonAndViewersNothing() throws Exception {
        try (SimulatedTarget target = new SimulatedTarget(true, 60_000);
                PowerControl power = new PowerControl(new DemoAtx(target), new PressTimings(Duration.ofMillis(100),
                        Duration.ofMillis(1000), Duration.ofMillis(60), Duration.ofMillis(150)))) {
            channel = connect(power);
            loginAs(VIEWER_PASSWORD);
            send(setEncodings(ServerMessages.RAW, ServerMessages.XVP));
            assertThat(drain().readableBytes()).as("no power buttons announced to a viewer").isZero();
            send(xvp(ServerMessages.XVP_RESET));
            assertThat(bytes(drain())).as("XVP_FAIL").containsExactly(250, 0, 1, ServerMessages.XVP_FAIL);
            assertThat(target.power()).isEqualTo(SimulatedTarget.Power.ON);

            channel = connect(power);
            loginAs(OPERATOR_PASSWORD);
            send(setEncodings(ServerMessages.RAW, ServerMessages.XVP));
            assertThat(bytes(drain())).as("XVP_INIT").containsExactly(250, 0, 1, ServerMessages.XVP_INIT);
            send(xvp(ServerMessages.XVP_RESET));
            Await.until(Duration.ofSeconds(5), () -> target.power() == SimulatedTarget.Power.BOOTING, "the target rebooting");
            send(xvp(ServerMessages.XVP_REBOOT));
            assertThat(bytes(drain())).as("a clean reboot is not made of button presses").containsExactly(250, 0, 1,
                    ServerMessages.XVP_FAIL);
        }
    }

    @Test
    void clipboardTextOverTheLimitClosesTheConnectionUnread() {
        loginAs(OPERATOR_PASSWORD);
        send(Unpooled.buffer().writeByte(6).writeZero(3).writeInt(RfbDecoder.MAX_CUT_TEXT + 1));
        assertThat(channel.isOpen()).isFalse();
    }

    private Optional<VncPasswords.Login> login(byte[] challenge, byte[] response) {
        if (Arrays.equals(VncAuth.response(OPERATOR_PASSWORD, challenge), response)) {
            return Optional.of(new VncPasswords.Login("olga", Role.OPERATOR));
        }
        if (Arrays.equals(VncAuth.response(VIEWER_PASSWORD, challenge), response)) {
            return Optional.of(new VncPasswords.Login("vic", Role.VIEWER));
        }
        return Optional.empty();
    }

    private void loginAs(String password) {
        drain();
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        drain();
        send(new byte[] {2});
        send(VncAuth.response(password, bytes(drain())));
        assertThat(drain().readInt()).isZero();
        send(new byte[] {1});
        drain();
    }

    private void send(byte[] bytes) {
        send(Unpooled.wrappedBuffer(bytes));
    }

    private void send(ByteBuf buf) {
        channel.writeInbound(buf);
        channel.runPendingTasks();
    }

    /** Everything the server wrote so far, as one buffer. */
    private ByteBuf drain() {
        return Wire.drain(channel);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static String text(ByteBuf b, int length) {
        return b.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    private static ByteBuf key(boolean down, int keysym) {
        return Unpooled.buffer().writeByte(4).writeByte(down ? 1 : 0).writeZero(2).writeInt(keysym);
    }

    private static ByteBuf xvp(int code) {
        return Unpooled.buffer().writeByte(250).writeByte(0).writeByte(1).writeByte(code);
    }

    private static ByteBuf cutText(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return Unpooled.buffer().writeByte(6).writeZero(3).writeInt(bytes.length).writeBytes(bytes);
    }

    private static ByteBuf pointer(int buttons, int x, int y) {
        return Unpooled.buffer().writeByte(5).writeByte(buttons).writeShort(x).writeShort(y);
    }

    private static ByteBuf setEncodings(int... encodings) {
        ByteBuf b = Unpooled.buffer().writeByte(2).writeByte(0).writeShort(encodings.length);
        for (int e : encodings) {
            b.writeInt(e);
        }
        return b;
    }

    private static ByteBuf updateRequest(boolean incremental) {
        return Unpooled.buffer().writeByte(3).writeByte(incremental ? 1 : 0).writeShort(0).writeShort(0)
                .writeShort(128).writeShort(64);
    }

    private static Screen solid(int width, int height, int rgb) {
        int[] pixels = new int[width * height];
        Arrays.fill(pixels, rgb);
        return new Screen(width, height, pixels, new byte[0], 1);
    }
}
