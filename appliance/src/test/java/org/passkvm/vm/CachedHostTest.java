package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;

/**
 * The VM list as last read, kept current by a real libvirtd's domain events: another client's change is seen
 * without PassKVM reading every VM again. (Node-device events need a privileged daemon: PassthroughHostTest.)
 */
class CachedHostTest {

    private static Libvirtd daemon;
    private static LibvirtHost libvirt;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = Libvirtd.start();
        libvirt = new LibvirtHost(daemon.uri(), 1, Duration.ofMillis(500));
        assertThat(libvirt.awaitConnected(Duration.ofSeconds(20))).as(libvirt.link().detail()).isTrue();
        libvirt.define(vm("cached-a"));
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (libvirt != null) {
            libvirt.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void readingTheVmsAgainCostsNoCallToTheHost() {
        CachedHost cached = new CachedHost(libvirt, Duration.ofSeconds(60));
        readAll(cached);
        long after = cached.hostReads();
        readAll(cached);
        readAll(cached);
        assertThat(cached.hostReads()).isEqualTo(after);
    }

    @Test
    void aVmAnotherClientDefinesIsSeenThroughItsEventWithOneListingAndOneDefinitionRead(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        CachedHost cached = new CachedHost(libvirt, Duration.ofSeconds(60));
        readAll(cached);
        long before = cached.hostReads();
        Path xml = Files.writeString(dir.resolve("outside.xml"), vm("defined-outside"));
        Libvirtd.run("virsh", "-c", daemon.uri(), "define", xml.toString());
        Await.until(Duration.ofSeconds(10), () -> cached.domainNames().contains("defined-outside"), "the event to bring the new VM in");
        readAll(cached);
        assertThat(cached.definition("defined-outside")).contains("<name>defined-outside</name>");
        assertThat(cached.hostReads() - before).as("a listing, the new definition, its state").isLessThanOrEqualTo(3);

        Libvirtd.run("virsh", "-c", daemon.uri(), "undefine", "defined-outside");
        Await.until(Duration.ofSeconds(10), () -> !cached.domainNames().contains("defined-outside"), "the event to take it out");
    }

    @Test
    void withNoCacheAgeEveryReadGoesToTheHost() {
        CachedHost uncached = new CachedHost(libvirt, Duration.ZERO);
        readAll(uncached);
        long after = uncached.hostReads();
        readAll(uncached);
        assertThat(uncached.hostReads()).isGreaterThan(after);
    }

    @Test
    void aChangePassKvmMakesItselfIsSeenAtOnceWithoutWaitingForItsEvent() {
        CachedHost cached = new CachedHost(libvirt, Duration.ofSeconds(60));
        readAll(cached);
        cached.define(vm("cached-a").replace("<vcpu>1</vcpu>", "<vcpu>2</vcpu>"));
        assertThat(cached.definition("cached-a")).contains(">2</vcpu>");
        cached.define(vm("cached-a"));
        assertThat(cached.definition("cached-a")).contains(">1</vcpu>");
    }

    private static void readAll(CachedHost host) {
        for (String name : host.domainNames()) {
            host.definition(name);
            host.state(name);
        }
    }

    private static String vm(String name) {
        return """
                <domain type='qemu'>
                  <name>%s</name>
                  <uuid>%s</uuid>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='pc'>hvm</type></os>
                </domain>
                """.formatted(name, java.util.UUID.nameUUIDFromBytes(name.getBytes()));
    }
}
