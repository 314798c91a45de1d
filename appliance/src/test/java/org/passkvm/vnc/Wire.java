package org.passkvm.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** What a session under test wrote, for tests that drive it through an {@link EmbeddedChannel}. */
final class Wire {

    private Wire() {}

    /** Every byte written so far, in one buffer; the written buffers are released. */
    static ByteBuf drain(EmbeddedChannel channel) {
        channel.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }
}
