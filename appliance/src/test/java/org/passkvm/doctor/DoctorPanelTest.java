package org.passkvm.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;

/**
 * The console's Doctor section in Debian's Chromium, on the demo's recorded host: checks grouped by status with
 * evidence and fix; an admin reviews the ignore_msrs diff, confirms, and the re-run shows the check configured.
 * Also writes docs/doctor.png.
 */
class DoctorPanelTest {

    @TempDir
    Path dataDir;

    @Test
    void groupsTheChecksByStatusAndAppliesAFileFixAfterTheAdminConfirmsTheDiff() throws Exception {
        List<String> errors = new ArrayList<>();
        try (Chromium chromium = Chromium.launch(); TestAppliance app = TestAppliance.start(dataDir);
                BrowserContext context = chromium.newContext()) {
            String base = "https://127.0.0.1:" + app.port();
            APIResponse login = context.request().post(base + "/api/auth/login", RequestOptions.create()
                    .setHeader("Content-Type", "application/json")
                    .setData("{\"user\":\"admin\",\"password\":\"" + TestAppliance.PASSWORD + "\"}"));
            assertThat(login.status()).isEqualTo(200);
            String csrf = new com.fasterxml.jackson.databind.ObjectMapper().readTree(login.text()).path("csrfToken").asText();
            context.addInitScript("sessionStorage.setItem('passkvm.csrf', '" + csrf + "')");
            Page page = context.newPage();
            page.setDefaultTimeout(60_000);
            page.setViewportSize(900, 1400);
            page.onPageError(e -> errors.add(String.valueOf(e)));
            // The Host view's empty section, as the console has it, at the appliance's origin.
            page.route(base + "/doctor-test", route -> route.fulfill(new Route.FulfillOptions().setContentType("text/html")
                    .setBody("<!doctype html><html><head><link rel='stylesheet' href='/assets/style.css'>"
                            + "<link rel='stylesheet' href='/assets/doctor.css'></head><body style='overflow:auto'>"
                            + "<section id='host-doctor' hidden></section><script src='/assets/api.js'></script>"
                            + "<script src='/assets/doctor.js'></script></body></html>")));
            page.navigate(base + "/doctor-test");

            Locator section = page.locator("#host-doctor");
            page.waitForSelector(".doctor-group.st-warn");
            assertThat(section.isVisible()).isTrue();
            assertThat(page.locator(".doctor-group").allInnerTexts()).containsExactly("Warnings (4)", "Passing (7)", "Not applicable (4)");
            Locator msrs = page.locator("[data-check=kvm-msrs]");
            assertThat(msrs.innerText()).contains("SYSTEM THREAD EXCEPTION NOT HANDLED", "File change:");
            assertThat(page.locator("[data-check=iommu] .doctor-evidence code").textContent()).startsWith("cat /proc/cmdline");

            msrs.locator("text=Review the change…").click();
            Locator preview = msrs.locator(".doctor-preview");
            preview.locator("pre.diff .add").first().waitFor();
            assertThat(preview.locator("pre.diff .add").allInnerTexts()).contains("+options kvm ignore_msrs=1 report_ignored_msrs=0\n");
            assertThat(preview.locator(".doctor-apply").isDisabled()).as("nothing is written before the confirmation").isTrue();
            Path png = repository().resolve("docs/doctor.png");
            // From the section's top to the end of the reviewed check: the part worth showing, and a small file.
            var top = section.boundingBox();
            var end = msrs.boundingBox();
            page.screenshot(new Page.ScreenshotOptions().setPath(png).setFullPage(true).setClip(top.x, top.y, top.width,
                    end.y + end.height + 8 - top.y));
            System.out.printf("wrote %s (%d bytes)%n", png, Files.size(png));

            preview.locator(".doctor-confirm").check();
            preview.locator(".doctor-apply").click();
            page.waitForSelector("text=/Written: \\/etc\\/modprobe.d\\/kvm.conf/");
            page.waitForSelector("[data-check=kvm-msrs] >> text=/configured, takes effect after reload\\/reboot/");
            assertThat(Files.readString(app.dataDir().resolve("doctor/demo-host/etc/modprobe.d/kvm.conf")))
                    .endsWith("options kvm ignore_msrs=1 report_ignored_msrs=0\n");
            assertThat(Files.readString(app.dataDir().resolve("audit.log"))).contains("HOST_FILE_FIX", "kvm-msrs: /etc/modprobe.d/kvm.conf");
            assertThat(Files.size(png)).isLessThan(200_000);
        }
        assertThat(errors).isEmpty();
    }

    private static Path repository() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("image-build"))) {
            p = p.getParent();
        }
        return p;
    }
}
