package org.passkvm.ipmi;

import static org.passkvm.ipmi.LittleEndian.le32;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Arrays;

/**
 * The App commands (network function 06h) a LAN client needs: capabilities before login, the
 * device's identity, the session's privilege level and its end.
 */
final class AppCommandHandler extends ChannelInboundHandlerAdapter {

    static final int GET_DEVICE_ID = 0x01;
    static final int GET_SYSTEM_GUID = 0x37;
    static final int GET_CHANNEL_AUTH_CAPABILITIES = 0x38;
    static final int SET_SESSION_PRIVILEGE_LEVEL = 0x3B;
    static final int CLOSE_SESSION = 0x3C;
    static final int GET_CHANNEL_CIPHER_SUITES = 0x54;
    /** The LAN channel's number; 0Eh in a request means "the channel this request came in on". */
    static final int LAN_CHANNEL = 0x01;

    private final IpmiSessions sessions;
    private final byte[] guid;

    AppCommandHandler(IpmiSessions sessions, byte[] guid) {
        this.sessions = sessions;
        this.guid = guid;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof IpmiRequest q) || q.netFn() != IpmiRequest.NETFN_APP) {
            ctx.fireChannelRead(msg);
            return;
        }
        IpmiResponse r = switch (q.command()) {
            case GET_CHANNEL_AUTH_CAPABILITIES -> authCapabilities(q);
            case GET_CHANNEL_CIPHER_SUITES -> cipherSuites(q);
            case GET_DEVICE_ID -> q.privilege() < IpmiSession.USER ? q.reply(IpmiResponse.INSUFFICIENT_PRIVILEGE) : deviceId(q);
            case GET_SYSTEM_GUID -> q.privilege() < IpmiSession.USER ? q.reply(IpmiResponse.INSUFFICIENT_PRIVILEGE)
                    : q.reply(IpmiResponse.OK, lsbFirst(guid));
            case SET_SESSION_PRIVILEGE_LEVEL -> setPrivilege(q);
            case CLOSE_SESSION -> close(q);
            default -> null;
        };
        if (r == null) {
            ctx.fireChannelRead(msg);
        } else {
            ctx.writeAndFlush(r);
        }
    }

    private static boolean ourChannel(int channel) {
        return channel == 0x0E || channel == LAN_CHANNEL;
    }

    private static IpmiResponse authCapabilities(IpmiRequest q) {
        byte[] d = q.data();
        if (d.length != 2) {
            return q.reply(IpmiResponse.REQUEST_DATA_LENGTH_INVALID);
        }
        if (!ourChannel(d[0] & 0x0F)) {
            return q.reply(IpmiResponse.INVALID_DATA_FIELD);
        }
        boolean v2 = (d[0] & 0x80) != 0;
        return q.reply(IpmiResponse.OK,
                (byte) LAN_CHANNEL,
                (byte) ((v2 ? 0x80 : 0) | 0x04), // IPMI 2.0 data follows; of the 1.5 auth types, MD5 only
                (byte) 0x04, // non-null user names only; per-message and user-level authentication on; KG all zeros
                (byte) (v2 ? 0x02 | 0x01 : 0), // IPMI 2.0 and 1.5 connections
                0, 0, 0, 0); // no OEM auth type
    }

    private static IpmiResponse cipherSuites(IpmiRequest q) {
        byte[] d = q.data();
        if (d.length != 3) {
            return q.reply(IpmiResponse.REQUEST_DATA_LENGTH_INVALID);
        }
        if (!ourChannel(d[0] & 0x0F) || (d[1] & 0x3F) != 0) {
            return q.reply(IpmiResponse.INVALID_DATA_FIELD);
        }
        byte[] all = CipherSuite.records();
        int from = Math.min(all.length, (d[2] & 0x3F) * 16);
        byte[] chunk = Arrays.copyOfRange(all, from, Math.min(all.length, from + 16));
        byte[] body = new byte[1 + chunk.length];
        body[0] = LAN_CHANNEL;
        System.arraycopy(chunk, 0, body, 1, chunk.length);
        return q.reply(IpmiResponse.OK, body);
    }

    /** IPMI sends the GUID least-significant byte first: the RFC 4122 byte order reversed. */
    private static byte[] lsbFirst(byte[] rfc4122) {
        byte[] out = new byte[rfc4122.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rfc4122[rfc4122.length - 1 - i];
        }
        return out;
    }

    private static IpmiResponse deviceId(IpmiRequest q) {
        return q.reply(IpmiResponse.OK,
                (byte) 0x20, // device ID
                (byte) 0x01, // device revision 1, no SDRs
                (byte) 0x00, // firmware 0. (device available)
                (byte) 0x01, // firmware .01 (BCD)
                (byte) 0x02, // IPMI 2.0
                (byte) 0x80, // a chassis device
                0, 0, 0, // manufacturer ID: unspecified
                (byte) 0x01, 0); // product ID
    }

    private IpmiResponse setPrivilege(IpmiRequest q) {
        IpmiSession s = q.session();
        if (s == null) {
            return q.reply(IpmiResponse.INSUFFICIENT_PRIVILEGE);
        }
        if (q.data().length != 1) {
            return q.reply(IpmiResponse.REQUEST_DATA_LENGTH_INVALID);
        }
        int level = q.data()[0] & 0x0F;
        if (level == 0) {
            return q.reply(IpmiResponse.OK, (byte) s.privilege());
        }
        if (level == IpmiSession.CALLBACK || level > 5) {
            return q.reply(0x80); // requested level not available for this user
        }
        if (level > s.maxPrivilege) {
            return q.reply(0x81); // requested level exceeds channel and/or user privilege limit
        }
        s.privilege(level);
        return q.reply(IpmiResponse.OK, (byte) level);
    }

    private IpmiResponse close(IpmiRequest q) {
        IpmiSession s = q.session();
        if (s == null) {
            return q.reply(IpmiResponse.INSUFFICIENT_PRIVILEGE);
        }
        if (q.data().length < 4) {
            return q.reply(IpmiResponse.REQUEST_DATA_LENGTH_INVALID);
        }
        int id = le32(q.data(), 0);
        if (id != s.bmcId) {
            return q.reply(0x87); // invalid session ID: closing other people's sessions is not offered
        }
        sessions.close(s);
        return q.reply(IpmiResponse.OK);
    }
}
