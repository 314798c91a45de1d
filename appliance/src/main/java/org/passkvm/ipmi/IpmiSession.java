package org.passkvm.ipmi;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One IPMI session, from its first handshake message to Close Session or its idle timeout. It is
 * bound to the address that opened it; packets for it from elsewhere are dropped.
 */
final class IpmiSession {

    static final int CALLBACK = 1;
    static final int USER = 2;
    static final int OPERATOR = 3;
    static final int ADMINISTRATOR = 4;

    enum Stage { OPENED, RAKP2_SENT, CHALLENGED, ACTIVE }

    final int bmcId;
    final InetSocketAddress peer;
    /** RMCP+ only: the console's own session ID, written into every packet to it. */
    final int consoleId;
    /** RMCP+ only. */
    final CipherSuite suite;
    final boolean rmcpPlus;
    private final AtomicLong outbound = new AtomicLong();
    private volatile Stage stage;
    private volatile int privilege;
    private final Clock clock;
    private volatile long lastUsedMillis;
    /** A proof was handed out (RAKP 2, a challenge) and the console has not yet proven the password. */
    private final AtomicBoolean loginPending = new AtomicBoolean();

    // set during the handshake
    String user;
    /** False for a decoy: a name that may not log in over IPMI, answered like one that may. */
    boolean realUser;
    byte[] key;
    int maxPrivilege;
    int requestedRole;
    byte[] consoleRandom;
    byte[] bmcRandom;
    byte[] challenge;
    int authType;
    SessionKeys keys;
    SequenceWindow inbound;

    IpmiSession(int bmcId, InetSocketAddress peer, int consoleId, CipherSuite suite, boolean rmcpPlus, Stage stage,
            Clock clock) {
        this.clock = clock;
        this.lastUsedMillis = clock.millis();
        this.bmcId = bmcId;
        this.peer = peer;
        this.consoleId = consoleId;
        this.suite = suite;
        this.rmcpPlus = rmcpPlus;
        this.stage = stage;
    }

    /** The console now holds something to check a password against; until it proves one, this is a guess. */
    void loginPending() {
        loginPending.set(true);
    }

    /** Ends the pending login; true when it was still pending (then the caller decides: success or failure). */
    boolean settleLogin() {
        return loginPending.getAndSet(false);
    }

    Stage stage() {
        return stage;
    }

    void advance(Stage next) {
        stage = next;
    }

    int privilege() {
        return privilege;
    }

    void privilege(int level) {
        privilege = level;
    }

    long nextOutbound() {
        long n = outbound.incrementAndGet();
        if (n > 0xFFFFFFFFL) {
            outbound.set(1);
            n = 1;
        }
        return n;
    }

    void startOutboundAt(long first) {
        outbound.set(first - 1);
    }

    void touch() {
        lastUsedMillis = clock.millis();
    }

    boolean idleFor(long millis) {
        return idleMillis() > millis;
    }

    long idleMillis() {
        return clock.millis() - lastUsedMillis;
    }
}
