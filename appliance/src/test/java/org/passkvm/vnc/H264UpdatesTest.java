package org.passkvm.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What decides whether an H.264 stream can go to noVNC: one coded slice a picture. */
class H264UpdatesTest {

    @Test
    void slicesAreCountedInAnAnnexBAccessUnit() {
        byte[] oneSliceKeyframe = {0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x68, 0x11, 0, 0, 1, 0x65, 0x22, 0x33};
        byte[] twoSliceDelta = {0, 0, 0, 1, 0x09, 0x10, 0, 0, 1, 0x41, 0x11, 0x12, 0, 0, 1, 0x41, 0x13};
        assertThat(H264Updates.slices(oneSliceKeyframe, 0, oneSliceKeyframe.length)).isEqualTo(1);
        assertThat(H264Updates.slices(twoSliceDelta, 0, twoSliceDelta.length)).isEqualTo(2);
        assertThat(H264Updates.slices(oneSliceKeyframe, 0, 10)).as("SPS and PPS only").isZero();
    }
}
