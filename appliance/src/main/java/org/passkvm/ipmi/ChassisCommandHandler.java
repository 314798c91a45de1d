package org.passkvm.ipmi;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.passkvm.power.PowerAction;
import org.passkvm.power.PowerBusyException;
import org.passkvm.power.PowerControl;
import org.tinylog.Logger;

/** Chassis commands (network function 00h): power status from the power LED, and the power buttons. */
final class ChassisCommandHandler extends ChannelInboundHandlerAdapter {

    static final int GET_CHASSIS_STATUS = 0x01;
    static final int CHASSIS_CONTROL = 0x02;

    private final PowerControl power;

    ChassisCommandHandler(PowerControl power) {
        this.power = power;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof IpmiRequest q) || q.netFn() != IpmiRequest.NETFN_CHASSIS
                || (q.command() != GET_CHASSIS_STATUS && q.command() != CHASSIS_CONTROL)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.writeAndFlush(q.command() == GET_CHASSIS_STATUS ? status(q) : control(q));
    }

    private IpmiResponse status(IpmiRequest q) {
        if (q.privilege() < IpmiSession.USER) {
            return q.reply(IpmiResponse.INSUFFICIENT_PRIVILEGE);
        }
        var s = power.state();
        return q.reply(IpmiResponse.OK,
                (byte) ((s.on() ? 0x01 : 0x00) | 0x60), // power on/off; restore policy: unknown
                (byte) 0x00, // last power event: none recorded
                (byte) 0x00, // no intrusion, lockout, drive or cooling fault
                (byte) 0x00); // front panel: no button disable allowed
    }

    private IpmiResponse control(IpmiRequest q) {
        if (q.privilege() < IpmiSession.OPERATOR) {
            return q.reply(IpmiResponse.INSUFFICIENT_PRIVILEGE);
        }
        if (q.data().length != 1) {
            return q.reply(IpmiResponse.REQUEST_DATA_LENGTH_INVALID);
        }
        PowerAction action = switch (q.data()[0] & 0x0F) {
            case 0 -> PowerAction.OFF_HARD;
            case 1 -> PowerAction.ON;
            case 2 -> PowerAction.CYCLE;
            case 3 -> PowerAction.RESET;
            case 5 -> PowerAction.OFF;
            default -> null; // 4 = diagnostic interrupt: no NMI line on an ATX header
        };
        if (action == null) {
            return q.reply(IpmiResponse.INVALID_DATA_FIELD);
        }
        try {
            power.start(action);
        } catch (PowerBusyException e) {
            return q.reply(IpmiResponse.NODE_BUSY);
        }
        Logger.info("IPMI chassis control {} by '{}'", action.id(), q.session().user);
        return q.reply(IpmiResponse.OK);
    }
}
