package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Await;

/**
 * Closing the host while web requests are still reading from it. libvirt frees the test driver's state the moment
 * its connection closes, so a call that was already inside libvirt used to crash the whole JVM
 * (SIGSEGV in g_hash_table_iter_next, seen under virNodeNumOfDevices while the console was polling).
 */
class LibvirtHostCloseTest {

    @TempDir
    Path dataDir;

    @Test
    void closingWhileCallsAreInFlightFailsThoseCallsCleanly() throws Exception {
        String uri = DemoHost.install(dataDir);
        for (int round = 0; round < 15; round++) {
            LibvirtHost host = new LibvirtHost(uri, 5, Duration.ofSeconds(1));
            assertThat(host.awaitConnected(Duration.ofSeconds(10))).as(host.link().detail()).isTrue();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            CountDownLatch running = new CountDownLatch(4);
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean devices = i % 2 == 0;
                Thread t = new Thread(() -> {
                    running.countDown();
                    while (!stop.get()) {
                        try {
                            if (devices) {
                                host.nodeDevices("pci");
                            } else {
                                host.domainNames();
                            }
                            answered.incrementAndGet();
                        } catch (VmHostException e) {
                            if (e.kind() != VmHostException.Kind.UNAVAILABLE) {
                                unexpected.add(e);
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            unexpected.add(e);
                        }
                    }
                });
                t.start();
                callers.add(t);
            }
            running.await();
            Await.until(Duration.ofSeconds(10), () -> answered.get() >= 8, "8 answered calls");
            int refusedBefore = refused.get();
            host.close();
            Await.until(Duration.ofSeconds(10), () -> refused.get() >= refusedBefore + 4, "callers meeting the closed host");
            stop.set(true);
            for (Thread t : callers) {
                t.join(5000);
            }
            assertThat(unexpected).as("after close, calls fail as UNAVAILABLE and nothing else").isEmpty();
        }
    }
}
