package org.passkvm.ipmi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** {@link RmcpPacket}s to datagrams; RMCP+ payloads are encrypted and signed with the packet's keys. */
final class RmcpEncoder extends MessageToMessageEncoder<RmcpPacket> {

    @Override
    protected void encode(ChannelHandlerContext ctx, RmcpPacket p, List<Object> out) {
        ByteBuf b = ctx.alloc().buffer(128);
        b.writeByte(RmcpDecoder.RMCP_VERSION).writeByte(0).writeByte(0xFF);
        if (p instanceof RmcpPacket.Asf a) {
            b.writeByte(RmcpDecoder.CLASS_ASF).writeInt(RmcpDecoder.ASF_IANA);
            b.writeByte(a.messageType()).writeByte(a.tag()).writeByte(0).writeByte(a.data().length).writeBytes(a.data());
        } else if (p instanceof RmcpPacket.V15 v) {
            b.writeByte(RmcpDecoder.CLASS_IPMI).writeByte(v.authType()).writeIntLE((int) v.sequence()).writeIntLE(v.sessionId());
            if (v.authType() != 0) {
                b.writeBytes(v.authCode());
            }
            b.writeByte(v.message().length).writeBytes(v.message());
        } else if (p instanceof RmcpPacket.V20 v) {
            v20(b, v);
        }
        out.add(new DatagramPacket(b, p.peer()));
    }

    private static void v20(ByteBuf b, RmcpPacket.V20 v) {
        b.writeByte(RmcpDecoder.CLASS_IPMI);
        SessionKeys keys = v.keys();
        boolean encrypt = keys != null && keys.encrypts();
        boolean sign = keys != null && keys.signs();
        byte[] payload = encrypt ? keys.encrypt(v.payload()) : v.payload();
        int start = b.writerIndex();
        b.writeByte(RmcpDecoder.AUTH_RMCP_PLUS);
        b.writeByte(v.payloadType() | (encrypt ? 0x80 : 0) | (sign ? 0x40 : 0));
        b.writeIntLE(v.sessionId()).writeIntLE((int) v.sequence());
        b.writeShortLE(payload.length).writeBytes(payload);
        if (sign) {
            int pad = SessionKeys.integrityPad(payload.length);
            for (int i = 0; i < pad; i++) {
                b.writeByte(0xFF);
            }
            b.writeByte(pad).writeByte(0x07);
            byte[] signed = new byte[b.writerIndex() - start];
            b.getBytes(start, signed);
            b.writeBytes(keys.sign(signed));
        }
    }
}
