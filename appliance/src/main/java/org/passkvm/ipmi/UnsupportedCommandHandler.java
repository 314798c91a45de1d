package org.passkvm.ipmi;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.tinylog.Logger;

/**
 * The end of the pipeline: any command nobody before answered gets C1h "invalid command" (this is
 * how ipmitool's PICMG and VITA probes learn that this is not an ATCA shelf), and no exception ever
 * closes the UDP channel.
 */
final class UnsupportedCommandHandler extends SimpleChannelInboundHandler<Object> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof IpmiRequest q && (q.netFn() & 1) == 0) {
            ctx.writeAndFlush(q.reply(IpmiResponse.INVALID_COMMAND));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Logger.warn(cause, "IPMI request failed");
    }
}
