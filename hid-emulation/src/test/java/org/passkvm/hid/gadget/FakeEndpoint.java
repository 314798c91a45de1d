package org.passkvm.hid.gadget;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A scripted device: online, busy (host not polling) or offline (unbound); records what reached the "host". */
final class FakeEndpoint implements HidEndpoint {

    private volatile Outcome mode = Outcome.SENT;
    private volatile long writeDelayMillis;
    private final List<byte[]> delivered = new ArrayList<>();

    void mode(Outcome newMode) {
        mode = newMode;
    }

    /** Makes every write take this long, like a host polling slowly. */
    void writeDelay(long millis) {
        writeDelayMillis = millis;
    }

    synchronized List<byte[]> delivered() {
        return new ArrayList<>(delivered);
    }

    synchronized void clear() {
        delivered.clear();
    }

    @Override
    public Outcome write(byte[] report, int timeoutMillis) {
        Outcome now = mode;
        try {
            if (now == Outcome.BUSY) {
                TimeUnit.MILLISECONDS.sleep(timeoutMillis); // like poll() timing out
            } else if (writeDelayMillis > 0) {
                TimeUnit.MILLISECONDS.sleep(writeDelayMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (now == Outcome.SENT) {
            synchronized (this) {
                delivered.add(report.clone());
            }
        }
        return now;
    }

    @Override
    public int read(byte[] buffer, int timeoutMillis) {
        return 0;
    }

    @Override
    public void close() {}
}
