package org.passkvm.ipmi;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * Answers the ASF presence ping that {@code ipmitool -I lan} and discovery tools send first: the pong
 * says "IPMI supported" so they go on with IPMI.
 */
final class PresencePingHandler extends SimpleChannelInboundHandler<RmcpPacket.Asf> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RmcpPacket.Asf ping) {
        if (ping.messageType() != RmcpPacket.Asf.PING) {
            return;
        }
        byte[] pong = new byte[16];
        pong[0] = 0x00; // IANA 4542 (ASF), big-endian
        pong[1] = 0x00;
        pong[2] = 0x11;
        pong[3] = (byte) 0xBE;
        // bytes 4..7: OEM-defined, none
        pong[8] = (byte) 0x81; // supported entities: IPMI, ASF version 1.0
        // byte 9: supported interactions, none; 10..15 reserved
        ctx.writeAndFlush(new RmcpPacket.Asf(ping.peer(), RmcpPacket.Asf.PONG, ping.tag(), pong));
    }
}
