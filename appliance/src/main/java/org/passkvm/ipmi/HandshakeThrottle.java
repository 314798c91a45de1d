package org.passkvm.ipmi;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Drops, unanswered, the session-less packets (pings, Open Session, RAKP, Get Session Challenge,
 * Get Channel Authentication Capabilities …) a source sends beyond {@link #PER_SECOND} a second
 * (bursts up to {@link #BURST}). A login takes about ten of them, so a real console never notices;
 * a flooder's extra packets cost one map lookup instead of a decoded, answered and sent reply, which
 * leaves the event loop time for everyone else. In-session packets are not counted: they are
 * dropped anyway unless their integrity code is right.
 */
final class HandshakeThrottle extends ChannelInboundHandlerAdapter {

    static final int PER_SECOND = 40;
    static final int BURST = 80;
    /** Sources remembered; the least recently seen is forgotten first (it then starts with a full bucket). */
    private static final int SOURCES = 10_000;

    private final Clock clock;
    private final Map<InetAddress, long[]> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, long[]> eldest) {
            return size() > SOURCES;
        }
    };
    private long dropped;

    HandshakeThrottle(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RmcpPacket p && sessionless(p) && !take(p.peer().getAddress())) {
            if (dropped++ % 10_000 == 0) {
                Logger.info("IPMI: dropping session-less packets from {} beyond {}/s ({} dropped in all)",
                        p.peer().getAddress().getHostAddress(), PER_SECOND, dropped);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean sessionless(RmcpPacket p) {
        return p instanceof RmcpPacket.Asf
                || p instanceof RmcpPacket.V15 v15 && v15.sessionId() == 0
                || p instanceof RmcpPacket.V20 v20 && (v20.payloadType() != RmcpPacket.V20.IPMI || v20.sessionId() == 0);
    }

    /** Token bucket in thousandths of a packet: {tokens, last refill in ms}. */
    private boolean take(InetAddress source) {
        long now = clock.millis();
        long[] b = buckets.computeIfAbsent(source, a -> new long[] {BURST * 1000L, now});
        b[0] = Math.min(BURST * 1000L, b[0] + (now - b[1]) * PER_SECOND);
        b[1] = now;
        if (b[0] < 1000) {
            return false;
        }
        b[0] -= 1000;
        return true;
    }
}
