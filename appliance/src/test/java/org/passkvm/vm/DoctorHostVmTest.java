package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Await;
import org.passkvm.web.Json;
import org.passkvm.web.TestHttps;

/**
 * The passthrough doctor on the real host VM ({@link HostVm}: Debian's kernel, an emulated Intel IOMMU, reached over
 * the pinned qemu+ssh link), through PassKVM's API. Two boots: the IOMMU off, and on with a foreign device in the
 * GPU's group. The host's root is the build machine's files under a throwaway overlay, so the test sets up the files
 * a real host would have (a GRUB default file, an initramfs-tools module list) over ssh before surveying.
 */
@Tag("kernel")
class DoctorHostVmTest {

    @TempDir
    Path tmp;

    @Test
    void withTheIommuOffTheIommuCheckFailsWithGrubsCommandLineSteps() throws Exception {
        try (HostVm host = HostVm.start(tmp.resolve("host"), "--iommu", "off");
                TestAppliance app = appliance(host, tmp.resolve("appliance"))) {
            host.ssh("printf 'GRUB_DEFAULT=0\\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\\n' > /etc/default/grub");
            JsonNode report = survey(app);
            System.out.println("the doctor on the host VM with the IOMMU off:\n" + pretty(report));

            JsonNode iommu = check(report, "iommu");
            assertThat(iommu.path("status").asText()).isEqualTo("fail");
            assertThat(iommu.path("why").asText()).startsWith("No IOMMU groups").contains("switches it off");
            assertThat(iommu.path("fix").path("kind").asText()).isEqualTo("kernel-cmdline");
            assertThat(texts(iommu.path("fix").path("steps"))).containsExactly(
                    "In /etc/default/grub change\n  GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nto\n  GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"",
                    "update-grub", "reboot", "Check: cat /proc/cmdline shows intel_iommu=on iommu=pt");
            assertThat(iommu.path("evidence").path("output").asText()).contains("intel_iommu=off", "groups: 0");
            assertThat(check(report, "gpu-isolation").path("status").asText()).isEqualTo("not-applicable");
            assertThat(app.anonymous().json("GET", "/api/health", null).path("capabilities").path("doctor").path("state").asText())
                    .isEqualTo("failing");
        }
    }

    @Test
    void withTheIommuOnTheChecksPassTheSharedGroupWarnsAndBothFileFixesApply() throws Exception {
        try (HostVm host = HostVm.start(tmp.resolve("host"), "--shared-group");
                TestAppliance app = appliance(host, tmp.resolve("appliance"))) {
            host.ssh("mkdir -p /etc/initramfs-tools && printf '# List of modules that you want to include in your initramfs.\\n' "
                    + "> /etc/initramfs-tools/modules; rm -f /etc/modprobe.d/kvm.conf");
            JsonNode report = survey(app);
            System.out.println("the doctor on the host VM with the IOMMU on and a shared group:\n" + pretty(report));

            assertThat(check(report, "iommu").path("status").asText()).isEqualTo("pass");
            assertThat(check(report, "iommu").path("why").asText()).contains("passthrough mode (iommu=pt)");
            JsonNode isolation = check(report, "gpu-isolation");
            assertThat(isolation.path("status").asText()).isEqualTo("warn");
            assertThat(isolation.path("why").asText()).startsWith(HostVm.DISPLAY + " shares IOMMU group ")
                    .contains("with 0000:01:00.2 (1b36:000d, class 0x0c0330, driver xhci_hcd), which is not part of the card");
            assertThat(check(report, "kvm-msrs").path("status").asText()).isEqualTo("warn");
            assertThat(check(report, "vfio-initramfs").path("status").asText()).isEqualTo("warn");

            TestHttps admin = admin(app);
            for (String id : new String[] {"kvm-msrs", "vfio-initramfs"}) {
                JsonNode plan = admin.json("GET", "/api/host/checks/" + id + "/fix", null);
                HttpResponse<String> unconfirmed = admin.call("POST", "/api/host/checks/" + id + "/fix", Map.of());
                HttpResponse<String> applied = admin.call("POST", "/api/host/checks/" + id + "/fix",
                        Map.of("confirm", true, "digest", plan.path("digest").asText()));
                System.out.println("applied " + id + ":\n" + plan.path("diff").asText());
                assertThat(unconfirmed.statusCode()).isEqualTo(400);
                assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
            }
            String files = host.ssh("cat /etc/modprobe.d/kvm.conf; echo ---; cat /etc/initramfs-tools/modules");
            System.out.println("inside the host after both fixes:\n" + files);
            assertThat(files).contains("options kvm ignore_msrs=1 report_ignored_msrs=0\n---\n")
                    .endsWith("vfio\nvfio_iommu_type1\nvfio_pci\n");

            JsonNode after = survey(app);
            assertThat(check(after, "kvm-msrs").path("why").asText()).startsWith("ignore_msrs: configured, takes effect after reload/reboot");
            assertThat(check(after, "vfio-initramfs").path("status").asText()).isEqualTo("pass");
            String audit = Files.readString(app.dataDir().resolve("audit.log"));
            System.out.println("audit:\n" + audit.lines().filter(l -> l.contains("HOST_FILE_FIX")).reduce("", (a, b) -> a + b + "\n"));
            assertThat(audit).contains("\"action\":\"HOST_FILE_FIX\"", "kvm-msrs: /etc/modprobe.d/kvm.conf +2 lines",
                    "vfio-initramfs: /etc/initramfs-tools/modules +4 lines");
        }
    }

    private static TestAppliance appliance(HostVm host, Path dir) throws Exception {
        TestAppliance app = TestAppliance.start(dir, """
                vm:
                  uri: "%s"
                  gadget_usb_id: "%s"
                """.formatted(host.uri(), HostVm.KEYBOARD));
        return app;
    }

    private static TestHttps admin(TestAppliance app) {
        // Patient: each check crosses ssh into an emulated CPU.
        return TestHttps.basic(app.port(), "admin", TestAppliance.PASSWORD, Duration.ofSeconds(10), Duration.ofMinutes(3));
    }

    private static JsonNode survey(TestAppliance app) throws Exception {
        return Await.every(Duration.ofSeconds(1)).valueOf(Duration.ofSeconds(300),
                () -> admin(app).json("GET", "/api/host/checks", null),
                r -> r.path("checks").size() > 0 && !r.path("checks").get(0).path("why").asText().startsWith("The host did not answer"),
                "the doctor reached the host VM");
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + report);
    }

    private static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String pretty(JsonNode n) throws Exception {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    }
}
