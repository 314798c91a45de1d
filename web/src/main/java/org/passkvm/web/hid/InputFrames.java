package org.passkvm.web.hid;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.passkvm.hid.keymap.KeyCodes;

/**
 * Decodes the console's compact binary input frames. Mouse moves arrive at pointer rate, so they are 5 bytes, not
 * JSON. All integers big-endian.
 * <pre>
 *   0x01 down:u8 len:u8 code:ascii[len]   key (W3C KeyboardEvent.code)
 *   0x02 x:u16 y:u16                      absolute move, 0..32767
 *   0x03 dx:i16 dy:i16                    relative move
 *   0x04 button:u8 down:u8                mouse button (0 left, 1 right, 2 middle, 3 back, 4 forward)
 *   0x05 wheel:i8 pan:i8                  scroll
 *   0x06                                  release everything
 *   0x07                                  keep-alive while keys are held
 * </pre>
 */
final class InputFrames {

    static final int MAX_FRAME = 64;

    private InputFrames() {}

    /** Decodes one frame; throws IllegalArgumentException with a message for the client on bad input. */
    static InputEvent decode(ByteBuffer frame) {
        if (!frame.hasRemaining()) {
            throw new IllegalArgumentException("empty input frame");
        }
        if (frame.remaining() > MAX_FRAME) {
            throw new IllegalArgumentException("input frame too long: " + frame.remaining() + " bytes");
        }
        try {
            int type = frame.get() & 0xff;
            return switch (type) {
                case 0x01 -> {
                    boolean down = frame.get() != 0;
                    int len = frame.get() & 0xff;
                    byte[] code = new byte[len];
                    frame.get(code);
                    String name = new String(code, StandardCharsets.US_ASCII);
                    int usage = KeyCodes.usage(name)
                            .orElseThrow(() -> new IllegalArgumentException("unknown key code '" + name + "'"));
                    yield new InputEvent.Key(usage, down);
                }
                case 0x02 -> new InputEvent.MoveTo(frame.getShort() & 0xffff, frame.getShort() & 0xffff);
                case 0x03 -> new InputEvent.MoveBy(frame.getShort(), frame.getShort());
                case 0x04 -> new InputEvent.Button(frame.get() & 0xff, frame.get() != 0);
                case 0x05 -> new InputEvent.Scroll(frame.get(), frame.get());
                case 0x06 -> new InputEvent.ReleaseAll();
                case 0x07 -> new InputEvent.KeepAlive();
                default -> throw new IllegalArgumentException("unknown input frame type 0x" + Integer.toHexString(type));
            };
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("input frame too short");
        }
    }
}
