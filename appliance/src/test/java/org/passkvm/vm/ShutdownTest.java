package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passkvm.testkit.Await;

/** A guest that ignores the ACPI request: force-off is offered, or done when asked for. */
class ShutdownTest {

    /** A host whose one VM never reacts to SHUTDOWN. */
    static final class StubbornHost implements VmHost {
        final List<PowerAction> actions = new ArrayList<>();
        volatile DomainState state = DomainState.RUNNING;

        public Link link() {
            return new Link("stub:///", Link.State.CONNECTED, "stub", Instant.now());
        }

        public List<String> domainNames() {
            return List.of("stuck");
        }

        public DomainState state(String name) {
            return state;
        }

        public String definition(String name) {
            return "<domain type='kvm'><name>stuck</name></domain>";
        }

        public List<String> nodeDevices(String capability) {
            return List.of();
        }

        public void define(String domainXml) { }

        public synchronized void power(String name, PowerAction action) {
            actions.add(action);
            if (action == PowerAction.DESTROY) {
                state = DomainState.SHUTOFF;
            }
        }

        public void close() { }
    }

    @Test
    void timesOutAndOffersForceOff() throws Exception {
        StubbornHost host = new StubbornHost();
        try (VmControl control = new VmControl(host, new VmControl.Settings(UsbId.parse("1d6b:0104"), true, Duration.ofSeconds(1)), java.util.Map.of())) {
            VmJobs.Status s = await(control, control.shutdown("stuck", Duration.ofSeconds(1), false).status().id());
            assertThat(s.state()).isEqualTo("timed-out");
            assertThat(s.offer()).isEqualTo("force-off");
            assertThat(host.actions).containsExactly(PowerAction.SHUTDOWN);
            assertThat(host.state).isEqualTo(DomainState.RUNNING);
        }
    }

    @Test
    void forcesOffAfterTheTimeoutWhenAskedTo() throws Exception {
        StubbornHost host = new StubbornHost();
        try (VmControl control = new VmControl(host, new VmControl.Settings(UsbId.parse("1d6b:0104"), true, Duration.ofSeconds(1)), java.util.Map.of())) {
            VmJobs.Status s = await(control, control.shutdown("stuck", Duration.ofSeconds(1), true).status().id());
            assertThat(s.state()).isEqualTo("done");
            assertThat(s.message()).contains("forced off");
            assertThat(host.actions).containsExactly(PowerAction.SHUTDOWN, PowerAction.DESTROY);
        }
    }

    private static VmJobs.Status await(VmControl control, String id) {
        return Await.value(Duration.ofSeconds(10), () -> control.job(id), s -> !s.state().equals("running"), "job " + id + " finished");
    }
}
