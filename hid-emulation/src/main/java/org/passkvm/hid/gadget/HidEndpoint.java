package org.passkvm.hid.gadget;

/**
 * One HID function's character device as the writer sees it: a report either goes out now, or the host is not
 * taking reports right now. Implementations must return within about {@code timeoutMillis}; nothing here may block
 * on the USB host.
 */
interface HidEndpoint extends AutoCloseable {

    enum Outcome {
        /** The kernel took the report; the host will read it on its next poll. */
        SENT,
        /** The previous report has not been read yet (host slow, suspended or not polling). */
        BUSY,
        /** The function is not bound or not configured, or the device node is gone. */
        OFFLINE
    }

    Outcome write(byte[] report, int timeoutMillis);

    /**
     * Reads one output report (the keyboard's LED byte) into {@code buffer}.
     *
     * @return the number of bytes read, 0 when nothing arrived within the timeout, -1 when the device is offline
     */
    int read(byte[] buffer, int timeoutMillis);

    @Override
    void close();
}
