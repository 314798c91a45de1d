package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** The server half of RFB as bytes: each method returns a buffer the caller writes (and so gives away). */
final class ServerMessages {

    /** Only where the web login proved the user already (the noVNC WebSocket), never on the VNC port. */
    static final int SECURITY_NONE = 1;
    static final int SECURITY_VNC_AUTH = 2;
    static final int SECURITY_VENCRYPT = 19;
    /** VeNCrypt sub-types: TLS on the device's certificate, then VNC authentication or a PassKVM account. */
    static final int VENCRYPT_X509_VNC = 261;
    static final int VENCRYPT_X509_PLAIN = 262;

    /** Encodings (RFC 6143 7.7 and the community registry); negative numbers are pseudo-encodings. */
    static final int RAW = 0;
    static final int COPY_RECT = 1;
    static final int HEXTILE = 5;
    static final int ZLIB = 6;
    static final int TIGHT = 7;
    static final int ZRLE = 16;
    /** Open H.264: access units of one stream per rectangle (noVNC 1.5+ through WebCodecs). */
    static final int H264 = 50;
    static final int DESKTOP_SIZE = -223;
    static final int LAST_RECT = -224;
    static final int QEMU_EXTENDED_KEY = -258;
    static final int XVP = -309;
    static final int XVP_FAIL = 0;
    static final int XVP_INIT = 1;
    static final int XVP_SHUTDOWN = 2;
    static final int XVP_REBOOT = 3;
    static final int XVP_RESET = 4;
    /** Tight's JPEG quality levels 0..9 are -32..-23. */
    static final int JPEG_QUALITY_0 = -32;
    static final int JPEG_QUALITY_9 = -23;

    private ServerMessages() {}

    static ByteBuf version(ByteBufAllocator alloc) {
        return alloc.buffer(12).writeBytes("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** 3.7 and 3.8: the list of security types the client picks from. */
    static ByteBuf securityTypes(ByteBufAllocator alloc, int... types) {
        ByteBuf b = alloc.buffer(1 + types.length).writeByte(types.length);
        for (int t : types) {
            b.writeByte(t);
        }
        return b;
    }

    /** 3.3: the server names the one security type. */
    static ByteBuf securityType33(ByteBufAllocator alloc, int type) {
        return alloc.buffer(4).writeInt(type);
    }

    static ByteBuf veNCryptVersion(ByteBufAllocator alloc) {
        return alloc.buffer(2).writeByte(0).writeByte(2);
    }

    /** The version acknowledgement (0 = accepted) and the sub-types on offer. */
    static ByteBuf veNCryptSubtypes(ByteBufAllocator alloc, int... subtypes) {
        ByteBuf b = alloc.buffer(2 + 4 * subtypes.length).writeByte(0).writeByte(subtypes.length);
        for (int t : subtypes) {
            b.writeInt(t);
        }
        return b;
    }

    static ByteBuf challenge(ByteBufAllocator alloc, byte[] challenge) {
        return alloc.buffer(16).writeBytes(challenge);
    }

    /** SecurityResult: OK, or failed with a reason (3.8 only carries the reason). */
    static ByteBuf securityResult(ByteBufAllocator alloc, boolean ok, String reason, int minor) {
        ByteBuf b = alloc.buffer().writeInt(ok ? 0 : 1);
        if (!ok && minor >= 8) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            b.writeInt(text.length).writeBytes(text);
        }
        return b;
    }

    static ByteBuf serverInit(ByteBufAllocator alloc, int width, int height, ClientPixelFormat format, String name) {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = alloc.buffer(24 + text.length).writeShort(width).writeShort(height);
        format.write(b);
        return b.writeInt(text.length).writeBytes(text);
    }

    /** The FramebufferUpdate header; {@code rectangles} 0xFFFF means "until a LastRect". */
    static void updateHeader(ByteBuf b, int rectangles) {
        b.writeByte(0).writeByte(0).writeShort(rectangles);
    }

    static void rectHeader(ByteBuf b, int x, int y, int width, int height, int encoding) {
        b.writeShort(x).writeShort(y).writeShort(width).writeShort(height).writeInt(encoding);
    }

    /** An xvp server message: {@link #XVP_INIT} (power actions available) or {@link #XVP_FAIL}. */
    static ByteBuf xvp(ByteBufAllocator alloc, int code) {
        return alloc.buffer(4).writeByte(250).writeByte(0).writeByte(1).writeByte(code);
    }

    static ByteBuf serverCutText(ByteBufAllocator alloc, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return alloc.buffer(8 + bytes.length).writeByte(3).writeZero(3).writeInt(bytes.length).writeBytes(bytes);
    }
}
