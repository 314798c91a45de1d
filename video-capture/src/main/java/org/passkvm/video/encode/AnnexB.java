package org.passkvm.video.encode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Just enough H.264 Annex-B parsing to find SPS/PPS and name the stream for WebCodecs. */
public final class AnnexB {

    static final int SPS = 7;
    static final int PPS = 8;

    private AnnexB() {}

    /** The SPS and PPS NAL units of an access unit (with their start codes), or empty. */
    static byte[] parameterSets(ByteBuffer au) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        forEachNal(au, (start, end) -> {
            int type = au.get(start) & 0x1f;
            if (type == SPS || type == PPS) {
                out.write(0);
                out.write(0);
                out.write(0);
                out.write(1);
                for (int i = start; i < end; i++) {
                    out.write(au.get(i));
                }
            }
        });
        return out.toByteArray();
    }

    static boolean hasParameterSets(ByteBuffer au) {
        boolean[] found = {false};
        forEachNal(au, (start, end) -> found[0] |= (au.get(start) & 0x1f) == SPS);
        return found[0];
    }

    /** "avc1.PPCCLL": profile_idc, constraint flags and level_idc of the first SPS, in hex. */
    public static String codecString(byte[] annexB) {
        ByteBuffer b = ByteBuffer.wrap(annexB);
        String[] codec = {null};
        forEachNal(b, (start, end) -> {
            if (codec[0] == null && (b.get(start) & 0x1f) == SPS && end - start >= 4) {
                codec[0] = String.format("avc1.%02X%02X%02X", b.get(start + 1) & 0xff, b.get(start + 2) & 0xff,
                        b.get(start + 3) & 0xff);
            }
        });
        return codec[0];
    }

    interface NalVisitor {
        void visit(int start, int end);
    }

    /** Calls back with each NAL unit's payload range (after its start code). */
    static void forEachNal(ByteBuffer b, NalVisitor visitor) {
        int limit = b.limit();
        int nalStart = -1;
        int i = b.position();
        while (i + 3 <= limit) {
            if (b.get(i) == 0 && b.get(i + 1) == 0 && b.get(i + 2) == 1) {
                if (nalStart >= 0) {
                    int end = i;
                    if (end > nalStart && b.get(end - 1) == 0) {
                        end--; // the leading zero of a 4-byte start code
                    }
                    visitor.visit(nalStart, end);
                }
                nalStart = i + 3;
                i += 3;
            } else {
                i++;
            }
        }
        if (nalStart >= 0 && nalStart < limit) {
            visitor.visit(nalStart, limit);
        }
    }
}
