package org.passkvm.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.testkit.Tools;
import org.passkvm.vm.HostShell;

/** A slow, chatty or absent host costs the checks it touches, never the survey. */
class SurveyFaultsTest {

    @TempDir
    Path tmp;

    @Test
    void aHungCommandIsCutAtItsTimeoutWhileTheOtherChecksAnswer() throws Exception {
        RecordedHost recorded = RecordedHost.unpack(RecordedHost.resource(Doctor.DEMO_RECORDING), tmp.resolve("host"));
        // The fixed checks, except that the IOMMU check's command never ends.
        List<Check> checks = Checks.all().stream().map(c -> c.id().equals("iommu")
                ? new Check(c.id(), c.title(), c.shown(), "echo started; sleep 600", c.judge()) : c).toList();
        long start = System.nanoTime();
        Survey.Report r = new Survey(recorded, checks, Duration.ofSeconds(15)).run();
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        Map<String, Survey.Result> c = r.checks().stream().collect(Collectors.toMap(Survey.Result::id, x -> x));

        assertThat(c.get("iommu").status()).isEqualTo("unknown");
        assertThat(c.get("iommu").why()).isEqualTo("Cut at its 15 s timeout: the host did not finish the check in time");
        assertThat(c.get("cpu-virtualization").status()).isEqualTo("pass");
        assertThat(c.get("intel-guc").status()).isEqualTo("pass");
        assertThat(r.checks()).filteredOn(x -> x.status().equals("unknown")).as(r.toString()).extracting(Survey.Result::id).containsExactly("iommu");
        assertThat(c.get("iommu").evidence().get("output")).isEqualTo("started\n");
        assertThat(seconds).as("one hung check costs its own timeout, not the survey").isLessThan(45);
    }

    @Test
    void longOutputIsCutInTheEvidence() throws Exception {
        StringBuilder chatty = new StringBuilder(RecordedHost.resource(Doctor.DEMO_RECORDING)).append("@@ file /.recorded/virt-host-validate\n");
        for (int i = 0; i < 20_000; i++) {
            chatty.append("  QEMU: Checking for something number ").append(i).append("                     : PASS\n");
        }
        Doctor d = new Doctor(RecordedHost.unpack(chatty.toString(), tmp.resolve("host")), Checks.all(), Duration.ofSeconds(20));

        Survey.Result v = d.survey().checks().stream().filter(x -> x.id().equals("virt-host-validate")).findFirst().orElseThrow();

        assertThat(v.evidence().get("output")).hasSizeLessThan(Survey.MAX_EXCERPT + 100).contains("[... cut: ");
        assertThat(v.status()).isEqualTo("pass");
    }

    @Test
    void anUnreachableHostMakesEveryCheckUnknownWithTheReason() throws Exception {
        Tools.require("ssh");
        Doctor d = new Doctor(new SshHost(HostShell.forUri("qemu+ssh://root@127.0.0.1:1/system?no_tty=1")
                .sharingOneConnection(tmp.resolve("ssh"))), Checks.all(), Duration.ofSeconds(10));

        Survey.Report r = d.survey();

        assertThat(r.checks()).hasSize(Checks.all().size()).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo("unknown");
            assertThat(c.why()).startsWith("The host did not answer: surveying the host: ssh to the host failed: ")
                    .contains("Connection refused");
        });
        assertThat(d.health().state()).isEqualTo("unknown");
    }
}
