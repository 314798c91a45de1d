package org.passkvm.ipmi;

import java.net.InetSocketAddress;
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
    private volatile long lastUsedNanos = System.nanoTime();

    // set during the handshake
    String user;
    byte[] key;
    int maxPrivilege;
    int requestedRole;
    byte[] consoleRandom;
    byte[] bmcRandom;
    byte[] challenge;
    int authType;
    SessionKeys keys;
    SequenceWindow inbound;

    IpmiSession(int bmcId, InetSocketAddress peer, int consoleId, CipherSuite suite, boolean rmcpPlus, Stage stage) {
        this.bmcId = bmcId;
        this.peer = peer;
        this.consoleId = consoleId;
        this.suite = suite;
        this.rmcpPlus = rmcpPlus;
        this.stage = stage;
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
        lastUsedNanos = System.nanoTime();
    }

    boolean idleFor(long nanos) {
        return System.nanoTime() - lastUsedNanos > nanos;
    }
}
