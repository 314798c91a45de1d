package org.passkvm.ipmi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageCodec;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * Datagrams to and from {@link RmcpPacket}s: the RMCP, ASF and IPMI 1.5/2.0 session headers and the
 * RMCP+ integrity trailer, and nothing about keys; {@link SessionCrypto} checks, decrypts, encrypts
 * and signs. What does not parse is dropped without an answer, as the IPMI spec asks of a BMC (an
 * answer would help a scanner, not a client).
 *
 * <p>Every field comes out as a copy, so nothing downstream holds on to a datagram's buffer; the
 * codec releases it. Outbound, the datagram's buffer belongs to the transport that sends it.
 */
final class RmcpCodec extends MessageToMessageCodec<DatagramPacket, RmcpPacket> {

    static final int RMCP_VERSION = 0x06;
    static final int CLASS_ASF = 0x06;
    static final int CLASS_IPMI = 0x07;
    static final int ASF_IANA = 4542;
    static final int AUTH_RMCP_PLUS = 0x06;
    /** The RMCP+ trailer's "next header" byte: always 07h (IPMI 2.0, 13.28.4). */
    private static final int NEXT_HEADER = 0x07;
    /** The spec's value for integrity pad bytes; a console's own pad bytes are taken as sent. */
    private static final int PAD_BYTE = 0xFF;

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        try {
            RmcpPacket p = decode(packet.sender(), packet.content());
            if (p != null) {
                out.add(p);
            }
        } catch (IndexOutOfBoundsException e) {
            Logger.debug("Dropped a truncated RMCP packet from {}", packet.sender());
        }
    }

    static RmcpPacket decode(InetSocketAddress from, ByteBuf b) {
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

    private static RmcpPacket.V15 v15(InetSocketAddress from, ByteBuf b) {
        int authType = b.readUnsignedByte() & 0x0F;
        long seq = b.readUnsignedIntLE();
        int session = b.readIntLE();
        byte[] code = null;
        if (authType != RmcpPacket.V15.AUTH_NONE) {
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

    private static RmcpPacket.V20 v20(InetSocketAddress from, ByteBuf b) {
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
            return new RmcpPacket.V20(from, type, encrypted, false, session, seq, payload, null, null);
        }
        int pad = integrityPad(len);
        b.skipBytes(pad);
        if (b.readUnsignedByte() != pad || b.readUnsignedByte() != NEXT_HEADER) {
            return null;
        }
        // The code covers the bytes as received, pad included, so they are kept rather than re-formatted.
        byte[] signed = new byte[b.readerIndex() - start];
        b.getBytes(start, signed);
        byte[] code = new byte[b.readableBytes()];
        b.readBytes(code);
        return new RmcpPacket.V20(from, type, encrypted, true, session, seq, payload, signed, code);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RmcpPacket p, List<Object> out) {
        ByteBuf b = ctx.alloc().buffer(128);
        b.writeByte(RMCP_VERSION).writeByte(0).writeByte(0xFF);
        if (p instanceof RmcpPacket.Asf a) {
            b.writeByte(CLASS_ASF).writeInt(ASF_IANA);
            b.writeByte(a.messageType()).writeByte(a.tag()).writeByte(0).writeByte(a.data().length).writeBytes(a.data());
        } else if (p instanceof RmcpPacket.V15 v) {
            b.writeByte(CLASS_IPMI).writeByte(v.authType()).writeIntLE((int) v.sequence()).writeIntLE(v.sessionId());
            if (v.authType() != RmcpPacket.V15.AUTH_NONE) {
                b.writeBytes(v.authCode());
            }
            b.writeByte(v.message().length).writeBytes(v.message());
        } else if (p instanceof RmcpPacket.V20 v) {
            b.writeByte(CLASS_IPMI);
            writeSigned(b, v);
            if (v.authenticated()) {
                b.writeBytes(Objects.requireNonNull(v.authCode(), "an authenticated packet goes out signed"));
            }
        }
        out.add(new DatagramPacket(b, p.peer()));
    }

    /**
     * The part of an outbound RMCP+ packet its integrity code covers: session header, payload and,
     * when authenticated, the trailer up to the code. The signer and the encoder share it so that
     * what is signed is byte for byte what is sent.
     */
    static byte[] signedPart(RmcpPacket.V20 v) {
        ByteBuf b = Unpooled.buffer(16 + v.payload().length);
        writeSigned(b, v);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static void writeSigned(ByteBuf b, RmcpPacket.V20 v) {
        b.writeByte(AUTH_RMCP_PLUS);
        b.writeByte(v.payloadType() | (v.encrypted() ? 0x80 : 0) | (v.authenticated() ? 0x40 : 0));
        b.writeIntLE(v.sessionId()).writeIntLE((int) v.sequence());
        b.writeShortLE(v.payload().length).writeBytes(v.payload());
        if (v.authenticated()) {
            int pad = integrityPad(v.payload().length);
            for (int i = 0; i < pad; i++) {
                b.writeByte(PAD_BYTE);
            }
            b.writeByte(pad).writeByte(NEXT_HEADER);
        }
    }

    /** Pad bytes so that the signed part (12-byte header, payload, pad, pad length, next header) is a multiple of 4. */
    static int integrityPad(int payloadLength) {
        return (4 - (12 + payloadLength + 2) % 4) % 4;
    }
}
