package org.passkvm.video;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads H.264's own frame counter ({@code frame_num} of each slice header, and whether the picture is an IDR) from
 * Annex-B access units, so a test can count what the encoder produced from the bitstream itself instead of trusting
 * the server's figures: in a stream of reference pictures without B-frames (x264 zerolatency, OpenH264), frame_num
 * grows by one per picture and restarts at 0 on an IDR; any other step means pictures were lost on the way.
 */
final class FrameNumbers {

    /** One picture: its frame_num and whether it is an IDR. */
    record Picture(int frameNum, boolean idr) {}

    private int log2MaxFrameNum = -1;
    private boolean separateColourPlane;

    /** The picture in this access unit (after the socket's 9-byte header), or null when it carries no slice. */
    Picture read(byte[] unit, int offset) {
        Picture picture = null;
        for (byte[] nal : nals(unit, offset)) {
            int type = nal[0] & 0x1f;
            if (type == 7) {
                sps(new Bits(unescape(nal)));
            } else if ((type == 1 || type == 5) && picture == null && log2MaxFrameNum > 0) {
                Bits b = new Bits(unescape(nal));
                b.ue();   // first_mb_in_slice
                b.ue();   // slice_type
                b.ue();   // pic_parameter_set_id
                if (separateColourPlane) {
                    b.u(2);
                }
                picture = new Picture(b.u(log2MaxFrameNum), type == 5);
            }
        }
        return picture;
    }

    /** Indices where a picture does not follow its predecessor: frame_num skipped, and it is not an IDR. */
    List<Integer> breaks(List<byte[]> units, int headerBytes) {
        List<Integer> at = new ArrayList<>();
        Picture previous = null;
        for (int i = 0; i < units.size(); i++) {
            Picture p = read(units.get(i), headerBytes);
            if (p == null) {
                continue;
            }
            if (previous != null && !p.idr() && p.frameNum() != ((previous.frameNum() + 1) & ((1 << log2MaxFrameNum) - 1))) {
                at.add(i);
            }
            previous = p;
        }
        return at;
    }

    private void sps(Bits b) {
        int profile = b.u(8);
        b.u(16);   // constraint flags, level_idc
        b.ue();    // seq_parameter_set_id
        if (List.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135).contains(profile)) {
            int chroma = b.ue();
            if (chroma == 3) {
                separateColourPlane = b.u(1) == 1;
            }
            b.ue();   // bit_depth_luma_minus8
            b.ue();   // bit_depth_chroma_minus8
            b.u(1);   // qpprime_y_zero_transform_bypass_flag
            if (b.u(1) == 1) {
                throw new IllegalStateException("SPS with scaling matrices: not needed by the encoders PassKVM uses");
            }
        }
        log2MaxFrameNum = b.ue() + 4;
    }

    private static List<byte[]> nals(byte[] data, int from) {
        List<byte[]> out = new ArrayList<>();
        int start = -1;
        for (int i = from; i + 2 < data.length; i++) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    out.add(trim(data, start, i));
                }
                start = i + 3;
                i += 2;
            }
        }
        if (start >= 0 && start < data.length) {
            out.add(trim(data, start, data.length));
        }
        return out;
    }

    private static byte[] trim(byte[] data, int from, int to) {
        while (to > from && data[to - 1] == 0) {
            to--;   // the extra zero of a 4-byte start code belongs to the next NAL
        }
        return java.util.Arrays.copyOfRange(data, from, to);
    }

    /** Removes emulation-prevention bytes (00 00 03 → 00 00). */
    private static byte[] unescape(byte[] nal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(nal.length);
        int zeros = 0;
        for (int i = 1; i < nal.length; i++) {   // skip the NAL header byte
            int v = nal[i] & 0xff;
            if (zeros >= 2 && v == 3) {
                zeros = 0;
                continue;
            }
            zeros = v == 0 ? zeros + 1 : 0;
            out.write(v);
        }
        return out.toByteArray();
    }

    /** Big-endian bit reader with Exp-Golomb codes. */
    private static final class Bits {
        private final byte[] data;
        private int bit;

        Bits(byte[] data) {
            this.data = data;
        }

        int u(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int b = (data[bit >> 3] >> (7 - (bit & 7))) & 1;
                v = (v << 1) | b;
                bit++;
            }
            return v;
        }

        int ue() {
            int zeros = 0;
            while (u(1) == 0) {
                zeros++;
            }
            return (1 << zeros) - 1 + u(zeros);
        }
    }
}
