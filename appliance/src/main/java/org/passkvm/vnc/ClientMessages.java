package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The client half of RFB as bytes: each {@link RfbMessage} written exactly as {@link RfbDecoder} reads it, so the
 * server and PassKVM's own client ({@link RfbClient}) speak one codec.
 */
final class ClientMessages {

    private ClientMessages() {}

    static void write(RfbMessage m, ByteBuf out) {
        if (m instanceof RfbMessage.Version v) {
            out.writeCharSequence("RFB 003.00" + v.minor() + "\n", StandardCharsets.US_ASCII);
        } else if (m instanceof RfbMessage.SecurityChoice c) {
            out.writeByte(c.type());
        } else if (m instanceof RfbMessage.AuthResponse a) {
            out.writeBytes(a.response());
        } else if (m instanceof RfbMessage.ClientInit i) {
            out.writeByte(i.shared() ? 1 : 0);
        } else if (m instanceof RfbMessage.SetPixelFormat f) {
            out.writeByte(0).writeZero(3);
            f.format().write(out);
        } else if (m instanceof RfbMessage.SetEncodings e) {
            out.writeByte(2).writeByte(0).writeShort(e.encodings().length);
            for (int encoding : e.encodings()) {
                out.writeInt(encoding);
            }
        } else if (m instanceof RfbMessage.UpdateRequest u) {
            out.writeByte(3).writeByte(u.incremental() ? 1 : 0).writeShort(u.x()).writeShort(u.y())
                    .writeShort(u.width()).writeShort(u.height());
        } else if (m instanceof RfbMessage.Key k) {
            out.writeByte(4).writeByte(k.down() ? 1 : 0).writeZero(2).writeInt(k.keysym());
        } else if (m instanceof RfbMessage.Pointer p) {
            out.writeByte(5).writeByte(p.buttons()).writeShort(p.x()).writeShort(p.y());
        } else if (m instanceof RfbMessage.CutText t) {
            byte[] text = t.text().getBytes(StandardCharsets.ISO_8859_1);
            out.writeByte(6).writeZero(3).writeInt(text.length).writeBytes(text);
        } else if (m instanceof RfbMessage.QemuKey k) {
            out.writeByte(255).writeByte(0).writeShort(k.down() ? 1 : 0).writeInt(k.keysym()).writeInt(k.scancode());
        } else {
            throw new IllegalArgumentException("not a message PassKVM's client sends: " + m);
        }
    }
}
