package org.passkvm.ipmi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import org.tinylog.Logger;

/**
 * Datagrams to {@link RmcpPacket}s. It checks only the framing; whatever does not parse is dropped
 * without an answer, as the IPMI spec asks of a BMC (an answer would help a scanner, not a client).
 */
final class RmcpDecoder extends MessageToMessageDecoder<DatagramPacket> {

    static final int RMCP_VERSION = 0x06;
    static final int CLASS_ASF = 0x06;
    static final int CLASS_IPMI = 0x07;
    static final int ASF_IANA = 4542;
    static final int AUTH_RMCP_PLUS = 0x06;

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        ByteBuf b = packet.content();
        try {
            RmcpPacket p = decode(packet.sender(), b);
            if (p != null) {
                out.add(p);
            }
        } catch (IndexOutOfBoundsException e) {
            Logger.debug("Dropped a truncated RMCP packet from {}", packet.sender());
        }
    }

    static RmcpPacket decode(java.net.InetSocketAddress from, ByteBuf b) {
        if (b.readableBytes() < 5 || b.readUnsignedByte() != RMCP_VERSION) {
            return null;
        }
        b.skipBytes(2); // reserved, RMCP sequence number (0xFF: no RMCP ACK wanted)
        int cls = b.readUnsignedByte() & 0x1F;
        if (cls == CLASS_ASF) {
            if (b.readInt() != ASF_IANA) {
                return null;
            }
            int type = b.readUnsignedByte();
            int tag = b.readUnsignedByte();
            b.skipBytes(1);
            int len = b.readUnsignedByte();
            byte[] data = new byte[len];
            b.readBytes(data);
            return new RmcpPacket.Asf(from, type, tag, data);
        }
        if (cls != CLASS_IPMI) {
            return null;
        }
        int authType = b.getUnsignedByte(b.readerIndex()) & 0x0F;
        return authType == AUTH_RMCP_PLUS ? v20(from, b) : v15(from, b);
    }

    private static RmcpPacket.V15 v15(java.net.InetSocketAddress from, ByteBuf b) {
        int authType = b.readUnsignedByte() & 0x0F;
        long seq = b.readUnsignedIntLE();
        int session = b.readIntLE();
        byte[] code = null;
        if (authType != 0) {
            code = new byte[16];
            b.readBytes(code);
        }
        int len = b.readUnsignedByte();
        if (len < 7) {
            return null;
        }
        byte[] msg = new byte[len];
        b.readBytes(msg); // a legacy pad byte may follow; it is ignored
        return new RmcpPacket.V15(from, authType, seq, session, code, msg);
    }

    private static RmcpPacket.V20 v20(java.net.InetSocketAddress from, ByteBuf b) {
        int start = b.readerIndex();
        b.skipBytes(1);
        int typeByte = b.readUnsignedByte();
        boolean encrypted = (typeByte & 0x80) != 0;
        boolean authenticated = (typeByte & 0x40) != 0;
        int type = typeByte & 0x3F;
        if (type == 0x02) {
            return null; // OEM payloads: none supported
        }
        int session = b.readIntLE();
        long seq = b.readUnsignedIntLE();
        int len = b.readUnsignedShortLE();
        byte[] payload = new byte[len];
        b.readBytes(payload);
        if (!authenticated) {
            return new RmcpPacket.V20(from, type, encrypted, false, session, seq, payload, null, null, null);
        }
        int pad = SessionKeys.integrityPad(len);
        b.skipBytes(pad);
        if (b.readUnsignedByte() != pad || b.readUnsignedByte() != 0x07) {
            return null;
        }
        byte[] signed = new byte[b.readerIndex() - start];
        b.getBytes(start, signed);
        byte[] code = new byte[b.readableBytes()];
        b.readBytes(code);
        return new RmcpPacket.V20(from, type, encrypted, true, session, seq, payload, signed, code, null);
    }
}
