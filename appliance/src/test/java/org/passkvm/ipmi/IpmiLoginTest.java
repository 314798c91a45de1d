package org.passkvm.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passkvm.ipmi.IpmiTestUsers.OTTO_IPMI;
import static org.passkvm.ipmi.IpmiTestUsers.ROOT_IPMI;
import static org.passkvm.ipmi.LittleEndian.le32;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.web.HandClock;
import org.passkvm.web.auth.LoginLimiter;

/**
 * IPMI logins under attack, message by message through the real pipeline: user names cannot be
 * told apart, guesses lock out the guessing source only, and a flood of handshakes cannot crowd
 * out a real login.
 */
class IpmiLoginTest {

    @TempDir
    Path dir;

    private final HandClock clock = new HandClock();
    private final byte[] guid = "passkvm-guid-16b".getBytes(StandardCharsets.US_ASCII);
    private IpmiUsers users;
    private IpmiSessions sessions;
    private EmbeddedChannel bmc;

    @BeforeEach
    void start() throws Exception {
        users = IpmiTestUsers.create(dir);
        LoginLimiter limiter = new LoginLimiter(5, Duration.ofMinutes(15), Duration.ofSeconds(60), clock);
        sessions = new IpmiSessions(16, Duration.ofSeconds(60), clock);
        bmc = new EmbeddedChannel(new IpmiPipeline(sessions, users, guid, null, limiter, clock));
    }

    @AfterEach
    void stop() {
        bmc.finishAndReleaseAll();
    }

    private Console from(String address) {
        return new Console(bmc, Console.at(address), CipherSuite.SUITE_3);
    }

    @Test
    void rakp2ForAnUnknownUserLooksLikeOneForAKnownUser() {
        Console attacker = from("127.0.0.2");
        Console.Rakp2 known = attacker.collectRakp2("root");
        for (String name : List.of("nobody", "vera", "admin")) {
            Console.Rakp2 other = attacker.collectRakp2(name);
            assertThat(other.status()).as(name).isEqualTo(known.status()).isZero();
            assertThat(other.hmac()).as(name).hasSameSizeAs(known.hmac());
            assertThat(other.guid()).isEqualTo(known.guid());
        }
        assertThat(attacker.login("nobody", "whatever1")).isEqualTo(attacker.login("root", "wrong-password"))
                .isEqualTo(Console.Result.RAKP2_HMAC_INVALID);
    }

    @Test
    void anUnknownUsersRakp2IsKeyedByTheDevicesSecretSoItIsStable() {
        Console attacker = from("127.0.0.2");
        int consoleId = 77;
        Console.Opened o = attacker.open(consoleId);
        byte[] consoleRandom = new byte[16];
        Console.Rakp2 r = attacker.rakp1(o.bmcId(), consoleRandom, Console.ADMINISTRATOR, "nobody");
        byte[] decoy = SessionKeys.hmac(CipherSuite.SUITE_3, users.decoyKey("nobody"), le32(consoleId),
                le32(o.bmcId()), consoleRandom, r.bmcRandom(), guid, new byte[] {Console.ADMINISTRATOR, 6},
                "nobody".getBytes(StandardCharsets.UTF_8));
        assertThat(r.hmac()).isEqualTo(decoy);
        assertThat(users.decoyKey("nobody")).isEqualTo(users.decoyKey("nobody")).isNotEqualTo(users.decoyKey("nobody2"));
        // and a guess at RAKP 3 fails just as a wrong password for a real user does
        byte[] guess = SessionKeys.hmac(CipherSuite.SUITE_3, "password".getBytes(StandardCharsets.UTF_8), r.bmcRandom(),
                le32(consoleId), new byte[] {Console.ADMINISTRATOR, 6}, "nobody".getBytes(StandardCharsets.UTF_8));
        assertThat(attacker.rakp3(o.bmcId(), 0, guess)).isEqualTo(RakpHandler.INVALID_INTEGRITY_CHECK);
    }

    @Test
    void ipmi15ChallengeAnswersUnknownUsersLikeKnownOnes() {
        Console attacker = from("127.0.0.2");
        byte[] known = attacker.challenge("root");
        assertThat(known[0]).as("completion code").isZero();
        for (String name : List.of("nobody", "vera")) {
            byte[] other = attacker.challenge(name);
            assertThat(other[0]).as(name).isZero();
            assertThat(other).as(name).hasSameSizeAs(known);
        }
    }

    @Test
    void anOperatorAskingForAdministratorLearnsSoOnlyWithTheRightPassword() {
        Console otto = from("127.0.0.5");
        assertThat(otto.login("otto", "wrong-password", Console.ADMINISTRATOR)).isEqualTo(Console.Result.RAKP2_HMAC_INVALID);
        assertThat(otto.login("otto", OTTO_IPMI, Console.ADMINISTRATOR)).isEqualTo(Console.Result.REFUSED_AT_RAKP4);
        assertThat(otto.lastStatus()).isEqualTo(RakpHandler.INVALID_ROLE);
        assertThat(otto.login("otto", OTTO_IPMI, 0x03)).isEqualTo(Console.Result.LOGGED_IN);
    }

    @Test
    void twentyWrongPasswordsLockTheGuessingSourceOutButNotTheOwner() {
        Console attacker = from("127.0.0.2");
        for (int i = 0; i < 20; i++) {
            assertThat(attacker.login("root", "guess-" + i)).isNotEqualTo(Console.Result.LOGGED_IN);
        }
        assertThat(attacker.login("root", ROOT_IPMI)).as("the right password, from the guessing source")
                .isEqualTo(Console.Result.REFUSED_AT_RAKP2);
        assertThat(attacker.lastStatus()).isEqualTo(RakpHandler.INSUFFICIENT_RESOURCES);
        assertThat(from("127.0.0.3").login("root", ROOT_IPMI)).as("the owner elsewhere").isEqualTo(Console.Result.LOGGED_IN);

        clock.advance(LoginLimiter.MAX_LOCKOUT.plusSeconds(1));
        assertThat(attacker.login("root", ROOT_IPMI)).as("after the lockout").isEqualTo(Console.Result.LOGGED_IN);
    }

    @Test
    void collectingRakp2CodesToCrackOfflineCountsAsFailedLogins() {
        Console attacker = from("127.0.0.2");
        for (int i = 0; i < 5; i++) {
            assertThat(attacker.collectRakp2("root").status()).isZero();
        }
        clock.advance(Duration.ofSeconds(11)); // the half-made handshakes expire
        sessions.expire();
        Console.Rakp2 refused = attacker.collectRakp2("root");
        assertThat(refused.status()).as("no sixth code to crack").isEqualTo(RakpHandler.INSUFFICIENT_RESOURCES);
        assertThat(refused.hmac()).isNull();
        assertThat(from("127.0.0.3").login("root", ROOT_IPMI)).isEqualTo(Console.Result.LOGGED_IN);
    }

    @Test
    void aFloodOfOpenSessionsFromOneSourceDoesNotCrowdOutARealLogin() {
        Console flooder = from("127.0.0.2");
        Runnable flood = () -> {
            for (int i = 0; i < 2_000; i++) {
                flooder.open(i);
            }
        };
        assertThat(from("127.0.0.3").login("root", ROOT_IPMI, Console.ADMINISTRATOR, flood, () -> {}))
                .as("flooded between Open Session and RAKP 1").isEqualTo(Console.Result.LOGGED_IN);
        assertThat(from("127.0.0.3").login("root", ROOT_IPMI, Console.ADMINISTRATOR, () -> {}, flood))
                .as("flooded between RAKP 2 and RAKP 3").isEqualTo(Console.Result.LOGGED_IN);
        assertThat(sessions.size()).as("the table stays small").isLessThanOrEqualTo(16 + IpmiSessions.HALF_OPEN);
    }

    @Test
    void aFloodingSourceIsAnsweredOnlyWithinItsBudgetWhileOthersAreServed() {
        Console flooder = from("127.0.0.2");
        int answered = 0;
        for (int i = 0; i < 1_000; i++) {
            answered += flooder.open(i) == null ? 0 : 1;
        }
        assertThat(answered).isEqualTo(HandshakeThrottle.BURST);
        assertThat(from("127.0.0.3").login("root", ROOT_IPMI)).isEqualTo(Console.Result.LOGGED_IN);
        clock.advance(Duration.ofSeconds(1));
        answered = 0;
        for (int i = 0; i < 1_000; i++) {
            answered += flooder.open(i) == null ? 0 : 1;
        }
        assertThat(answered).as("a second later").isEqualTo(HandshakeThrottle.PER_SECOND);
    }

    @Test
    void aFloodFromManySpoofedSourcesDoesNotEvictAHandshakeInProgress() {
        Runnable spoofed = () -> {
            for (int i = 0; i < 2_000; i++) {
                new Console(bmc, new InetSocketAddress("10.9." + (i >> 8) + "." + (i & 255), 623), CipherSuite.SUITE_3).open(i);
            }
        };
        assertThat(from("127.0.0.3").login("root", ROOT_IPMI, Console.ADMINISTRATOR, () -> {}, spoofed))
                .as("flooded between RAKP 2 and RAKP 3").isEqualTo(Console.Result.LOGGED_IN);
        Runnable burst = () -> {
            for (int i = 0; i < IpmiSessions.HALF_OPEN / 2; i++) {
                new Console(bmc, new InetSocketAddress("10.8." + (i >> 8) + "." + (i & 255), 623), CipherSuite.SUITE_3).open(i);
            }
        };
        assertThat(from("127.0.0.4").login("root", ROOT_IPMI, Console.ADMINISTRATOR, burst, () -> {}))
                .as("a burst between Open Session and RAKP 1, as queued ahead of RAKP 1 in the socket").isEqualTo(Console.Result.LOGGED_IN);
        assertThat(sessions.size()).isLessThanOrEqualTo(16 + IpmiSessions.HALF_OPEN);
    }

    @Test
    void theRightPasswordLogsInOverBothSuites() {
        assertThat(new Console(bmc, Console.at("127.0.0.1"), CipherSuite.SUITE_17).login("root", ROOT_IPMI))
                .isEqualTo(Console.Result.LOGGED_IN);
        assertThat(from("127.0.0.1").login("root", ROOT_IPMI)).isEqualTo(Console.Result.LOGGED_IN);
        assertThat(Arrays.asList(sessions.active())).containsExactly(2);
    }
}
