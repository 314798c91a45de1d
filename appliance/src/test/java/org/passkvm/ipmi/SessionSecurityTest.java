package org.passkvm.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.passkvm.web.HandClock;

/** The pieces that keep a session honest: the replay window, the AES trailer, the integrity pad, the framing. */
class SessionSecurityTest {

    private final HandClock clock = new HandClock();

    /** An RMCP+ session whose handshake has begun (Open Session answered) but not finished. */
    private static Optional<IpmiSession> handshakeBegun(IpmiSessions table, InetSocketAddress peer, int consoleId) {
        return table.open(peer, consoleId, CipherSuite.SUITE_3, true, IpmiSession.Stage.OPENED);
    }

    @Test
    void sequenceNumbersAreAcceptedOnceAndOnlyNearTheHighestSeen() {
        SequenceWindow w = new SequenceWindow(0);
        assertThat(w.accept(1)).isTrue();
        assertThat(w.accept(1)).as("replay").isFalse();
        assertThat(w.accept(3)).isTrue();
        assertThat(w.accept(2)).as("late but new").isTrue();
        assertThat(w.accept(2)).isFalse();
        assertThat(w.accept(0)).as("zero is never valid").isFalse();
        assertThat(w.accept(3 + 17)).as("too far ahead").isFalse();
        assertThat(w.accept(3 + 16)).isTrue();
        assertThat(w.accept(3)).as("now outside the window behind").isFalse();
    }

    @Test
    void idleSessionsExpireSessionsAreBoundToTheirAddressAndOnlyEstablishedOnesFillTheTable() {
        IpmiSessions table = new IpmiSessions(2, Duration.ofSeconds(60), clock);
        InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 40000);
        IpmiSession a = table.open(peer, 1, CipherSuite.SUITE_3, true, IpmiSession.Stage.ACTIVE).orElseThrow();
        IpmiSession b = table.open(peer, 2, CipherSuite.SUITE_17, true, IpmiSession.Stage.ACTIVE).orElseThrow();
        assertThat(handshakeBegun(table, peer, 3)).as("full of established sessions").isEmpty();
        table.close(b);
        IpmiSession half = handshakeBegun(table, peer, 4).orElseThrow();
        assertThat(table.find(a.bmcId, new InetSocketAddress("127.0.0.2", 40000))).as("another address").isEmpty();
        clock.advance(IpmiSessions.HANDSHAKE_TIMEOUT.plusMillis(1));
        assertThat(table.find(half.bmcId, peer)).as("a half-made handshake expires fast").isEmpty();
        assertThat(table.find(a.bmcId, peer)).as("an established session does not").isPresent();
        clock.advance(Duration.ofSeconds(61));
        assertThat(table.find(a.bmcId, peer)).as("idle too long").isEmpty();
        assertThat(handshakeBegun(table, peer, 6)).isPresent();
    }

    @Test
    void aSourceHoldsOnlyAFewHalfMadeHandshakesAndMakesRoomFromItsOwn() {
        IpmiSessions table = new IpmiSessions(16, Duration.ofSeconds(60), clock);
        InetSocketAddress other = new InetSocketAddress("127.0.0.3", 40000);
        IpmiSession theirs = handshakeBegun(table, other, 1).orElseThrow();
        List<IpmiSession> flood = new ArrayList<>();
        for (int i = 0; i < IpmiSessions.HALF_OPEN_PER_SOURCE + 1; i++) {
            clock.advance(Duration.ofMillis(1));
            flood.add(handshakeBegun(table, new InetSocketAddress("127.0.0.2", 40000 + i), i).orElseThrow());
        }
        assertThat(table.find(flood.get(0).bmcId, flood.get(0).peer)).as("the flooder's oldest").isEmpty();
        for (IpmiSession s : flood.subList(1, flood.size())) {
            assertThat(table.find(s.bmcId, s.peer)).isPresent();
        }
        assertThat(table.find(theirs.bmcId, other)).as("someone else's handshake").isPresent();

        flood.forEach(table::close);
        table.close(theirs);
        for (int i = 0; i < IpmiSessions.HALF_OPEN + 10; i++) {
            handshakeBegun(table, new InetSocketAddress("10.1." + (i >> 8) + "." + (i & 255), 1), i).orElseThrow();
        }
        assertThat(table.size()).as("half-made handshakes in all").isEqualTo(IpmiSessions.HALF_OPEN);
    }

    @Test
    void aesPayloadsRoundTripAndTamperedOnesAreRefused() {
        SessionKeys keys = new SessionKeys(CipherSuite.SUITE_17, new byte[32]);
        for (int n = 0; n < 40; n++) {
            byte[] plain = new byte[n];
            Arrays.fill(plain, (byte) n);
            byte[] enc = keys.encrypt(plain);
            assertThat(enc.length % 16).isZero();
            assertThat(keys.decrypt(enc)).isEqualTo(plain);
        }
        byte[] enc = keys.encrypt(new byte[] {1, 2, 3});
        assertThat(keys.decrypt(Arrays.copyOf(enc, 20))).isNull();
        byte[] signed = {6, 0x40, 1, 2, 3, 4};
        byte[] code = keys.sign(signed);
        assertThat(code).hasSize(16);
        assertThat(keys.verify(signed, code)).isTrue();
        signed[2] ^= 1;
        assertThat(keys.verify(signed, code)).isFalse();
        assertThat(new SessionKeys(CipherSuite.SUITE_3, new byte[20]).sign(signed)).hasSize(12);
    }

    @Test
    void integrityPadMakesTheSignedPartAMultipleOfFour() {
        for (int len = 0; len < 64; len++) {
            assertThat((12 + len + RmcpCodec.integrityPad(len) + 2) % 4).isZero();
        }
    }

    @Test
    void truncatedOrForeignDatagramsDecodeToNothing() {
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 1);
        assertThat(RmcpCodec.decode(from, Unpooled.wrappedBuffer(new byte[] {0x05, 0, (byte) 0xFF, 7, 0}))).isNull();
        assertThat(RmcpCodec.decode(from, Unpooled.wrappedBuffer(new byte[] {0x06, 0, (byte) 0xFF, 0x08, 0}))).isNull();
        byte[] shortV15 = {0x06, 0, (byte) 0xFF, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3};
        assertThat(RmcpCodec.decode(from, Unpooled.wrappedBuffer(shortV15))).isNull();
    }

    @Test
    void requestChecksumsAreVerified() {
        byte[] good = {0x20, 0x18, (byte) 0xC8, (byte) 0x81, 0x04, 0x01, 0x7A};
        assertThat(IpmiRequest.parse(null, null, good)).isNotNull();
        byte[] bad = good.clone();
        bad[5] = 0x02;
        assertThat(IpmiRequest.parse(null, null, bad)).isNull();
        IpmiRequest q = IpmiRequest.parse(null, null, good);
        byte[] answer = q.reply(0, 1, 2).message();
        assertThat(IpmiRequest.checksum(answer, 0, 3)).isZero();
        assertThat(IpmiRequest.checksum(answer, 3, answer.length - 3)).isZero();
        assertThat(answer[1] >> 2).as("response netFn").isEqualTo(0x07);
    }
}
