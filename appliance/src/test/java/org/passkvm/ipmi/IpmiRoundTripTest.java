package org.passkvm.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passkvm.ipmi.IpmiTestUsers.OTTO_IPMI;
import static org.passkvm.ipmi.IpmiTestUsers.ROOT_IPMI;
import static org.passkvm.ipmi.LanConsole.NETFN_APP;
import static org.passkvm.ipmi.LanConsole.NETFN_CHASSIS;
import static org.passkvm.ipmi.LanConsole.le32;
import static org.passkvm.ipmi.LanConsole.unsigned;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passkvm.ipmi.LanConsole.Reply;
import org.passkvm.ipmi.LanConsole.Suite;
import org.passkvm.power.FakeAtx;
import org.passkvm.power.PowerAction;
import org.passkvm.power.PowerControl;
import org.passkvm.power.PressTimings;
import org.passkvm.web.HandClock;
import org.passkvm.web.auth.LoginLimiter;

/**
 * Every message the BMC answers, as datagrams in and out of the pipeline the server runs, on an
 * {@code EmbeddedChannel}: the ASF ping, the session-less App commands, the RMCP+ handshake, the
 * IPMI 1.5 login, and each in-session command sealed and opened with a real session key by a
 * console that does its own crypto.
 */
class IpmiRoundTripTest {

    static final int USER = 0x02;
    static final int OPERATOR = 0x03;
    static final int ADMINISTRATOR = 0x04;
    static final int OK = 0x00;

    @TempDir
    Path dir;

    private final HandClock clock = new HandClock();
    private final byte[] guid = "passkvm-guid-16b".getBytes(StandardCharsets.US_ASCII);
    /** Button presses only hold the presser thread. */
    private final FakeAtx board = new FakeAtx();
    private PowerControl power;
    private IpmiSessions sessions;
    private EmbeddedChannel bmc;
    private LanConsole console;

    @BeforeEach
    void start() throws Exception {
        IpmiUsers users = IpmiTestUsers.create(dir);
        // Presses long enough that an action is still running when the next request comes.
        power = new PowerControl(board, new PressTimings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMinutes(1)));
        sessions = new IpmiSessions(16, Duration.ofSeconds(60), clock);
        LoginLimiter limiter = new LoginLimiter(5, Duration.ofMinutes(15), Duration.ofSeconds(60), clock);
        bmc = new EmbeddedChannel(new IpmiPipeline(sessions, users, guid, power, limiter, clock));
        console = new LanConsole(bmc, new InetSocketAddress("127.0.0.7", 50623));
    }

    @AfterEach
    void stop() {
        bmc.finishAndReleaseAll();
        power.close();
    }

    // ---- before any session

    @Test
    void anAsfPresencePingGetsAPongSayingIpmiIsSupported() {
        byte[] pong = console.exchange(LanConsole.asfPing(0x2A));
        assertThat(Arrays.copyOfRange(pong, 0, 8)).as("RMCP, class ASF, IANA 4542").containsExactly(0x06, 0x00, 0xFF, 0x06,
                0x00, 0x00, 0x11, 0xBE);
        assertThat(pong[8]).as("pong").isEqualTo((byte) 0x40);
        assertThat(pong[9]).as("message tag echoed").isEqualTo((byte) 0x2A);
        assertThat(pong[11]).as("data length").isEqualTo((byte) 16);
        assertThat(pong[12 + 8]).as("supported entities: IPMI").isEqualTo((byte) 0x81);
    }

    @Test
    void getChannelAuthenticationCapabilitiesOffersMd5AndIpmi20InEitherFraming() {
        Reply v15 = console.v15Request(NETFN_APP, 0x38, 0x8E, ADMINISTRATOR);
        assertThat(v15.netFn()).as("App response").isEqualTo(NETFN_APP + 1);
        assertThat(v15.command()).isEqualTo(0x38);
        assertThat(v15.completionCode()).isEqualTo(OK);
        assertThat(v15.data()).as("channel 1, MD5 + IPMI 2.0 data, per-message auth, 1.5 and 2.0")
                .containsExactly(0x01, 0x84, 0x04, 0x03, 0, 0, 0, 0);
        assertThat(console.plusRequest(NETFN_APP, 0x38, 0x8E, ADMINISTRATOR).data()).isEqualTo(v15.data());
        assertThat(console.v15Request(NETFN_APP, 0x38, 0x0E, ADMINISTRATOR).data()).as("asked the IPMI 1.5 way")
                .containsExactly(0x01, 0x04, 0x04, 0x00, 0, 0, 0, 0);
        assertThat(console.v15Request(NETFN_APP, 0x38, 0x05, ADMINISTRATOR).completionCode()).as("another channel")
                .isEqualTo(0xCC);
    }

    @Test
    void getChannelCipherSuitesListsSuites3And17() {
        Reply r = console.plusRequest(NETFN_APP, 0x54, 0x0E, 0x00, 0x80);
        assertThat(r.completionCode()).isEqualTo(OK);
        assertThat(r.data()).containsExactly(0x01, 0xC0, 3, 0x01, 0x41, 0x81, 0xC0, 17, 0x03, 0x44, 0x81);
    }

    @Test
    void anUnknownCommandGetsInvalidCommandEvenOutsideASession() {
        Reply r = console.plusRequest(0x2C, 0x00, 0x00); // PICMG: how ipmitool learns this is no ATCA shelf
        assertThat(r.netFn()).isEqualTo(0x2D);
        assertThat(r.completionCode()).isEqualTo(0xC1);
    }

    // ---- the RMCP+ handshake

    @Test
    void openSessionRequestAcceptsAnOfferedSuiteAndHandsOutASessionId() {
        byte[] r = console.handshake(LanConsole.OPEN_SESSION_REQUEST,
                LanConsole.openSessionRequest(7, 0, 0x11223344, Suite.SEVENTEEN), LanConsole.OPEN_SESSION_RESPONSE);
        assertThat(r).hasSize(36);
        assertThat(r[0]).as("message tag").isEqualTo((byte) 7);
        assertThat(r[1]).as("status").isZero();
        assertThat(r[2]).as("no role asked: administrator at most").isEqualTo((byte) ADMINISTRATOR);
        assertThat(le32(r, 4)).as("console's session ID").isEqualTo(0x11223344);
        assertThat(le32(r, 8)).as("BMC's session ID").isNotZero();
        assertThat(new byte[] {r[12], r[16], r[20], r[24], r[28], r[32]}).as("the suite's algorithms, confirmed")
                .containsExactly(0x00, 0x03, 0x01, 0x04, 0x02, 0x01);
        assertThat(sessions.size()).isEqualTo(1);
    }

    @Test
    void openSessionRequestForASuiteWithoutEncryptionIsRefused() {
        Suite none = new Suite(0, 0x00, 0x00, 0x00, "HmacSHA1", 0);
        byte[] r = console.handshake(LanConsole.OPEN_SESSION_REQUEST, LanConsole.openSessionRequest(7, 0, 0x11223344, none),
                LanConsole.OPEN_SESSION_RESPONSE);
        assertThat(r[1]).as("no matching cipher suite").isEqualTo((byte) RakpHandler.NO_CIPHER_SUITE_MATCH);
        assertThat(sessions.size()).isZero();
    }

    @ParameterizedTest(name = "cipher suite {0}")
    @ValueSource(ints = {3, 17})
    void rakp1And3AreAnsweredWithRakp2And4ThatProveTheBmcKnowsThePasswordAndTheSessionKey(int id) {
        Suite suite = id == 3 ? Suite.THREE : Suite.SEVENTEEN;
        LanConsole.Session s = console.login(suite, "root", ROOT_IPMI, ADMINISTRATOR, guid); // checks RAKP 2 and 4
        assertThat(sessions.active()).isEqualTo(1);
        assertThat(s.command(NETFN_APP, 0x01).completionCode()).as("the session key works").isEqualTo(OK);
    }

    @Test
    void rakp3WithAWrongCodeIsAnsweredWithRakp4InvalidIntegrityCheck() {
        byte[] open = console.handshake(LanConsole.OPEN_SESSION_REQUEST, LanConsole.openSessionRequest(1, 0, 99, Suite.THREE),
                LanConsole.OPEN_SESSION_RESPONSE);
        int bmcId = le32(open, 8);
        byte[] rakp2 = console.handshake(LanConsole.RAKP_1, LanConsole.rakp1(2, bmcId, new byte[16], ADMINISTRATOR, "root"),
                LanConsole.RAKP_2);
        assertThat(rakp2[1]).isZero();
        assertThat(Arrays.copyOfRange(rakp2, 24, 40)).as("the system GUID").isEqualTo(guid);
        byte[] wrong = LanConsole.hmac(Suite.THREE, "not-the-password".getBytes(StandardCharsets.US_ASCII),
                Arrays.copyOfRange(rakp2, 8, 24), le32(99), LanConsole.roleAndName(ADMINISTRATOR, "root"));
        byte[] rakp4 = console.handshake(LanConsole.RAKP_3, LanConsole.rakp3(3, 0, bmcId, wrong), LanConsole.RAKP_4);
        assertThat(rakp4[0]).as("message tag").isEqualTo((byte) 3);
        assertThat(rakp4[1]).isEqualTo((byte) RakpHandler.INVALID_INTEGRITY_CHECK);
        assertThat(le32(rakp4, 4)).as("console's session ID").isEqualTo(99);
        assertThat(sessions.size()).as("the half-made session is gone").isZero();
    }

    // ---- in an RMCP+ session

    @Test
    void answersInASessionAreEncryptedSignedAndNumbered() {
        LanConsole.Session s = console.login(Suite.SEVENTEEN, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        for (long expected = 1; expected <= 3; expected++) {
            assertThat(s.command(NETFN_APP, 0x01).completionCode()).isEqualTo(OK);
            assertThat(s.lastAnswer.encrypted()).isTrue();
            assertThat(s.lastAnswer.authenticated()).isTrue();
            assertThat(s.lastAnswer.sessionId()).as("addressed to the console's session ID").isEqualTo(s.consoleId);
            assertThat(s.lastAnswer.sequence()).isEqualTo(expected);
        }
    }

    @Test
    void aTamperedReplayedOrUnencryptedRequestInASessionGetsNoAnswer() {
        LanConsole.Session s = console.login(Suite.THREE, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        byte[] sealed = s.seal(NETFN_CHASSIS, 0x01);
        byte[] tampered = sealed.clone();
        tampered[20] ^= 0x01;
        assertThat(console.exchange(tampered)).as("one bit flipped in the ciphertext").isNull();
        assertThat(console.exchange(sealed)).as("the original").isNotNull();
        assertThat(console.exchange(sealed)).as("the same again").isNull();
        byte[] inTheClear = LanConsole.plus(0x00, s.bmcId, 50, console.request(NETFN_CHASSIS, 0x01));
        assertThat(console.exchange(inTheClear)).as("the session's ID without its security").isNull();
        assertThat(s.command(NETFN_CHASSIS, 0x01).completionCode()).as("the session goes on").isEqualTo(OK);
    }

    @Test
    void getDeviceIdSaysIpmi20ChassisDevice() {
        Reply r = console.login(Suite.SEVENTEEN, "root", ROOT_IPMI, ADMINISTRATOR, guid).command(NETFN_APP, 0x01);
        assertThat(r.netFn()).isEqualTo(NETFN_APP + 1);
        assertThat(r.completionCode()).isEqualTo(OK);
        assertThat(r.data()).hasSize(11);
        assertThat(r.data()[0]).as("device ID").isEqualTo((byte) 0x20);
        assertThat(r.data()[4]).as("IPMI version 2.0").isEqualTo((byte) 0x02);
        assertThat(r.data()[5]).as("a chassis device").isEqualTo((byte) 0x80);
    }

    @Test
    void getSystemGuidSendsTheGuidLeastSignificantByteFirst() {
        Reply r = console.login(Suite.THREE, "root", ROOT_IPMI, ADMINISTRATOR, guid).command(NETFN_APP, 0x37);
        assertThat(r.completionCode()).isEqualTo(OK);
        byte[] reversed = new byte[16];
        for (int i = 0; i < 16; i++) {
            reversed[i] = guid[15 - i];
        }
        assertThat(r.data()).isEqualTo(reversed);
    }

    @Test
    void setSessionPrivilegeLevelRaisesUpToTheUsersLimitAndNoFurther() {
        LanConsole.Session root = console.login(Suite.SEVENTEEN, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        assertThat(root.command(NETFN_APP, 0x3B, 0).data()).as("a session starts at User").containsExactly(USER);
        Reply raised = root.command(NETFN_APP, 0x3B, ADMINISTRATOR);
        assertThat(raised.completionCode()).isEqualTo(OK);
        assertThat(raised.data()).containsExactly(ADMINISTRATOR);

        LanConsole otto = new LanConsole(bmc, new InetSocketAddress("127.0.0.8", 50623));
        LanConsole.Session operator = otto.login(Suite.THREE, "otto", OTTO_IPMI, OPERATOR, guid);
        assertThat(operator.command(NETFN_APP, 0x3B, OPERATOR).data()).containsExactly(OPERATOR);
        assertThat(operator.command(NETFN_APP, 0x3B, ADMINISTRATOR).completionCode()).as("above the user's limit")
                .isEqualTo(0x81);
    }

    @Test
    void getChassisStatusReadsThePowerLed() {
        LanConsole.Session s = console.login(Suite.SEVENTEEN, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        Reply off = s.command(NETFN_CHASSIS, 0x01);
        assertThat(off.netFn()).as("Chassis response").isEqualTo(NETFN_CHASSIS + 1);
        assertThat(off.completionCode()).isEqualTo(OK);
        assertThat(off.data()).hasSize(4);
        assertThat(off.data()[0] & 0x01).as("power off").isZero();
        board.led = true;
        assertThat(s.command(NETFN_CHASSIS, 0x01).data()[0] & 0x01).as("power on").isEqualTo(1);
    }

    @Test
    void chassisControlPressesTheButtonForAnOperatorAndSaysBusyWhileItRuns() {
        LanConsole.Session s = console.login(Suite.SEVENTEEN, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        assertThat(s.command(NETFN_CHASSIS, 0x02, 0x01).completionCode()).as("at User privilege").isEqualTo(0xD4);
        assertThat(power.state().busy()).isNull();
        s.command(NETFN_APP, 0x3B, OPERATOR);
        Reply up = s.command(NETFN_CHASSIS, 0x02, 0x01);
        assertThat(up.completionCode()).isEqualTo(OK);
        assertThat(power.state().busy()).as("power up, pressing").isEqualTo(PowerAction.ON);
        assertThat(s.command(NETFN_CHASSIS, 0x02, 0x03).completionCode()).as("reset while pressing: node busy").isEqualTo(0xC0);
        assertThat(s.command(NETFN_CHASSIS, 0x02, 0x04).completionCode()).as("no NMI line").isEqualTo(0xCC);
    }

    @Test
    void closeSessionEndsOnlyTheCallersOwnSession() {
        LanConsole.Session s = console.login(Suite.THREE, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        int[] other = unsigned(le32(s.bmcId + 1));
        assertThat(s.command(NETFN_APP, 0x3C, other).completionCode()).as("someone else's").isEqualTo(0x87);
        Reply closed = s.command(NETFN_APP, 0x3C, unsigned(le32(s.bmcId)));
        assertThat(closed.completionCode()).isEqualTo(OK);
        assertThat(sessions.size()).isZero();
        assertThat(s.command(NETFN_APP, 0x01)).as("nothing answers in a closed session").isNull();
    }

    @Test
    void anUnknownCommandInASessionGetsInvalidCommandSealedLikeAnyAnswer() {
        LanConsole.Session s = console.login(Suite.SEVENTEEN, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        Reply r = s.command(0x0A, 0x10); // Storage: Get FRU Inventory Area Info
        assertThat(r.netFn()).isEqualTo(0x0B);
        assertThat(r.completionCode()).isEqualTo(0xC1);
        assertThat(s.lastAnswer.encrypted()).isTrue();
    }

    @Test
    void anIdleSessionTimesOutWithoutAnyoneWaiting() {
        LanConsole.Session s = console.login(Suite.THREE, "root", ROOT_IPMI, ADMINISTRATOR, guid);
        clock.advance(Duration.ofSeconds(59));
        assertThat(s.command(NETFN_APP, 0x01)).as("used within the timeout").isNotNull();
        clock.advance(Duration.ofSeconds(61));
        assertThat(s.command(NETFN_APP, 0x01)).as("idle past it").isNull();
    }

    // ---- IPMI 1.5

    @Test
    void getSessionChallengeHandsOutATemporarySessionAndAChallenge() {
        Reply r = console.v15Request(NETFN_APP, 0x39, unsigned(LanConsole.challengeRequestData("root")));
        assertThat(r.completionCode()).isEqualTo(OK);
        assertThat(r.data()).hasSize(20);
        assertThat(le32(r.data(), 0)).as("temporary session ID").isNotZero();
        assertThat(sessions.size()).isEqualTo(1);
        int[] straightPassword = unsigned(LanConsole.challengeRequestData("root"));
        straightPassword[0] = 0x04;
        assertThat(console.v15Request(NETFN_APP, 0x39, straightPassword).completionCode()).as("only MD5").isEqualTo(0xCC);
    }

    @Test
    void activateSessionSignedWithMd5StartsASessionWhoseCommandsAndAnswersAreSigned() {
        LanConsole.V15Session s = v15Login("root", ROOT_IPMI, ADMINISTRATOR, 0x100);
        assertThat(s.command(NETFN_APP, 0x3B, ADMINISTRATOR).data()).containsExactly(ADMINISTRATOR);
        assertThat(s.command(NETFN_CHASSIS, 0x01).completionCode()).isEqualTo(OK);
        assertThat(s.command(NETFN_CHASSIS, 0x02, 0x05).completionCode()).as("soft off, at Administrator").isEqualTo(OK);
        assertThat(s.command(NETFN_APP, 0x3C, unsigned(le32(s.sessionId))).completionCode()).isEqualTo(OK);
        assertThat(sessions.size()).isZero();
    }

    @Test
    void activateSessionSignedWithTheWrongPasswordGetsNoAnswerAndEndsTheTemporarySession() {
        Reply challenge = console.v15Request(NETFN_APP, 0x39, unsigned(LanConsole.challengeRequestData("root")));
        LanConsole.V15Session s = console.new V15Session("wrong-password", le32(challenge.data(), 0));
        assertThat(s.command(NETFN_APP, 0x3A, activateData(ADMINISTRATOR, challenge.data(), 0x100))).isNull();
        assertThat(sessions.size()).isZero();
    }

    /** Get Session Challenge, then Activate Session; its answer checked field by field. */
    private LanConsole.V15Session v15Login(String user, String password, int level, int outboundStart) {
        Reply challenge = console.v15Request(NETFN_APP, 0x39, unsigned(LanConsole.challengeRequestData(user)));
        int temporaryId = le32(challenge.data(), 0);
        LanConsole.V15Session s = console.new V15Session(password, temporaryId);
        Reply activated = s.command(NETFN_APP, 0x3A, activateData(level, challenge.data(), outboundStart));
        assertThat(activated.completionCode()).isEqualTo(OK);
        assertThat(activated.data()).hasSize(10);
        assertThat(activated.data()[0]).as("MD5 from now on").isEqualTo((byte) 0x02);
        assertThat(le32(activated.data(), 1)).as("the session keeps its ID").isEqualTo(temporaryId);
        long inboundStart = le32(activated.data(), 5) & 0xFFFFFFFFL;
        assertThat(inboundStart).as("where the console's numbering starts").isNotZero();
        assertThat(activated.data()[9]).as("maximum privilege").isEqualTo((byte) level);
        s.sequence = inboundStart;
        return s;
    }

    /** Auth type MD5, maximum privilege, the challenge back, the first sequence number for answers. */
    private static int[] activateData(int level, byte[] challengeAnswer, int outboundStart) {
        int[] d = new int[22];
        d[0] = 0x02;
        d[1] = level;
        int[] challenge = unsigned(Arrays.copyOfRange(challengeAnswer, 4, 20));
        System.arraycopy(challenge, 0, d, 2, 16);
        int[] start = unsigned(le32(outboundStart));
        System.arraycopy(start, 0, d, 18, 4);
        return d;
    }
}
