package org.passkvm.vmdisplay;

import java.io.InputStream;
import java.io.OutputStream;

/** A byte stream to one VM's VNC console: an SSH tunnel to the host, or (in tests) a local socket. */
interface Tunnel extends AutoCloseable {

    InputStream in();

    OutputStream out();

    /** What it connects to, for logs and reason screens. */
    String describe();

    /** Why it broke, when the transport knows better than "the stream ended" (ssh's own message); else null. */
    default String failure() {
        return null;
    }

    @Override
    void close();
}
