package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The client half of RFB as records: the handshake in the order the protocol fixes it (version, security choice,
 * VNC-auth response, ClientInit), then client messages. Only VNC authentication is offered, so the stages follow from
 * the bytes alone. Nothing read can grow without bound: cut text and encoding lists are capped, anything else
 * malformed closes the connection.
 */
final class RfbDecoder extends ByteToMessageDecoder {

    /** Clipboard text a client may send at once; longer is refused (paste jobs are bounded too). */
    static final int MAX_CUT_TEXT = 64 * 1024;
    static final int MAX_ENCODINGS = 256;

    /** Longest VeNCrypt Plain user name or password read; PassKVM's own are far shorter. */
    static final int MAX_CREDENTIAL = 1024;

    private enum Stage { VERSION, SECURITY_CHOICE, VENCRYPT_VERSION, VENCRYPT_SUBTYPE, PLAIN, AUTH_RESPONSE, CLIENT_INIT, MESSAGES }

    private Stage stage = Stage.VERSION;

    /** The user was proven before RFB began (noVNC over the web login's WebSocket): security type None follows. */
    private final boolean proven;

    RfbDecoder() {
        this(false);
    }

    RfbDecoder(boolean proven) {
        this.proven = proven;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (stage) {
            case VERSION -> version(in, out);
            case SECURITY_CHOICE -> {
                if (in.isReadable()) {
                    int type = in.readUnsignedByte();
                    out.add(new RfbMessage.SecurityChoice(type));
                    stage = type == ServerMessages.SECURITY_VENCRYPT ? Stage.VENCRYPT_VERSION
                            : type == ServerMessages.SECURITY_NONE && proven ? Stage.CLIENT_INIT : Stage.AUTH_RESPONSE;
                }
            }
            case VENCRYPT_VERSION -> {
                if (in.readableBytes() >= 2) {
                    out.add(new RfbMessage.VeNCryptVersion(in.readUnsignedByte(), in.readUnsignedByte()));
                    stage = Stage.VENCRYPT_SUBTYPE;
                }
            }
            case VENCRYPT_SUBTYPE -> {
                if (in.readableBytes() >= 4) {
                    int subtype = in.readInt();
                    out.add(new RfbMessage.VeNCryptSubtype(subtype));
                    // What follows is inside TLS, which the session puts in front of this decoder.
                    stage = subtype == ServerMessages.VENCRYPT_X509_PLAIN ? Stage.PLAIN : Stage.AUTH_RESPONSE;
                }
            }
            case PLAIN -> plain(in, out);
            case AUTH_RESPONSE -> {
                if (in.readableBytes() >= 16) {
                    byte[] response = new byte[16];
                    in.readBytes(response);
                    out.add(new RfbMessage.AuthResponse(response));
                    stage = Stage.CLIENT_INIT;
                }
            }
            case CLIENT_INIT -> {
                if (in.isReadable()) {
                    out.add(new RfbMessage.ClientInit(in.readUnsignedByte() != 0));
                    stage = Stage.MESSAGES;
                }
            }
            case MESSAGES -> message(in, out);
        }
    }

    private void plain(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 8) {
            return;
        }
        long user = in.getUnsignedInt(in.readerIndex());
        long password = in.getUnsignedInt(in.readerIndex() + 4);
        if (user > MAX_CREDENTIAL || password > MAX_CREDENTIAL) {
            throw new DecoderException("VeNCrypt Plain credentials over " + MAX_CREDENTIAL + " bytes");
        }
        if (in.readableBytes() < 8 + user + password) {
            return;
        }
        in.skipBytes(8);
        out.add(new RfbMessage.PlainCredentials(in.readCharSequence((int) user, StandardCharsets.UTF_8).toString(),
                in.readCharSequence((int) password, StandardCharsets.UTF_8).toString()));
        stage = Stage.CLIENT_INIT;
    }

    private void version(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 12) {
            return;
        }
        String text = in.readCharSequence(12, StandardCharsets.US_ASCII).toString();
        if (!text.matches("RFB \\d{3}\\.\\d{3}\n")) {
            throw new DecoderException("not an RFB client: " + text.strip());
        }
        int major = Integer.parseInt(text.substring(4, 7));
        int minor = Integer.parseInt(text.substring(8, 11));
        // RFC 6143 7.1.1: unknown minors are 3.3; Apple's 3.889 is a 3.8 client.
        int effective = major != 3 ? 3 : minor >= 8 ? 8 : minor == 7 ? 7 : 3;
        out.add(new RfbMessage.Version(effective));
        stage = effective != 3 ? Stage.SECURITY_CHOICE : proven ? Stage.CLIENT_INIT : Stage.AUTH_RESPONSE;
    }

    private void message(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            RfbMessage m = next(in);
            if (m == null) {
                in.readerIndex(start);
                return;
            }
            out.add(m);
        }
    }

    /** One client message, or null (nothing consumed) when it has not arrived whole. */
    private static RfbMessage next(ByteBuf in) {
        int type = in.readUnsignedByte();
        return switch (type) {
            case 0 -> in.readableBytes() < 19 ? null : pixelFormat(in);
            case 2 -> encodings(in);
            case 3 -> in.readableBytes() < 9 ? null
                    : new RfbMessage.UpdateRequest(in.readUnsignedByte() != 0, in.readUnsignedShort(), in.readUnsignedShort(),
                            in.readUnsignedShort(), in.readUnsignedShort());
            case 4 -> {
                if (in.readableBytes() < 7) {
                    yield null;
                }
                boolean down = in.readUnsignedByte() != 0;
                in.skipBytes(2);
                yield new RfbMessage.Key(down, in.readInt());
            }
            case 5 -> in.readableBytes() < 5 ? null
                    : new RfbMessage.Pointer(in.readUnsignedByte(), in.readUnsignedShort(), in.readUnsignedShort());
            case 6 -> cutText(in);
            case 250 -> {
                if (in.readableBytes() < 3) {
                    yield null;
                }
                in.skipBytes(1);
                yield new RfbMessage.Xvp(in.readUnsignedByte(), in.readUnsignedByte());
            }
            case 251 -> setDesktopSize(in);
            case 255 -> qemu(in);
            default -> throw new DecoderException("unknown client message type " + type);
        };
    }

    private static RfbMessage pixelFormat(ByteBuf in) {
        in.skipBytes(3);
        try {
            return new RfbMessage.SetPixelFormat(ClientPixelFormat.read(in));
        } catch (IllegalArgumentException e) {
            throw new DecoderException(e.getMessage());
        }
    }

    private static RfbMessage encodings(ByteBuf in) {
        if (in.readableBytes() < 3) {
            return null;
        }
        in.skipBytes(1);
        int count = in.readUnsignedShort();
        if (count > MAX_ENCODINGS) {
            throw new DecoderException("too many encodings: " + count);
        }
        if (in.readableBytes() < 4 * count) {
            return null;
        }
        int[] encodings = new int[count];
        for (int i = 0; i < count; i++) {
            encodings[i] = in.readInt();
        }
        return new RfbMessage.SetEncodings(encodings);
    }

    private static RfbMessage cutText(ByteBuf in) {
        if (in.readableBytes() < 7) {
            return null;
        }
        in.skipBytes(3);
        long length = in.readUnsignedInt();
        if (length > MAX_CUT_TEXT) {
            // Extended clipboard (negative length as signed) and huge texts alike: refuse, never buffer.
            throw new DecoderException("clipboard text of " + length + " bytes is over the " + MAX_CUT_TEXT + "-byte limit");
        }
        if (in.readableBytes() < length) {
            return null;
        }
        return new RfbMessage.CutText(in.readCharSequence((int) length, StandardCharsets.ISO_8859_1).toString());
    }

    /** SetDesktopSize: padding, width, height, the number of screens, padding, then 16 bytes a screen. */
    private static RfbMessage setDesktopSize(ByteBuf in) {
        if (in.readableBytes() < 7) {
            return null;
        }
        int screens = in.getUnsignedByte(in.readerIndex() + 5);
        if (in.readableBytes() < 7 + 16 * screens) {
            return null;
        }
        in.skipBytes(1);
        int width = in.readUnsignedShort();
        int height = in.readUnsignedShort();
        in.skipBytes(2 + 16 * screens);
        return new RfbMessage.SetDesktopSize(width, height);
    }

    private static RfbMessage qemu(ByteBuf in) {
        if (in.readableBytes() < 1) {
            return null;
        }
        int subtype = in.readUnsignedByte();
        if (subtype != 0) {
            throw new DecoderException("unknown QEMU client message " + subtype);
        }
        if (in.readableBytes() < 10) {
            return null;
        }
        boolean down = in.readUnsignedShort() != 0;
        int keysym = in.readInt();
        int scancode = in.readInt();
        return new RfbMessage.QemuKey(down, keysym, scancode);
    }
}
