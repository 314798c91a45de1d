package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.options.RequestOptions;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passkvm.appliance.Chromium;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.web.Role;

/** The console's VM panel in Debian's Chromium: lists the demo host, previews a GPU move as a diff, applies it. */
class VmPanelTest {

    private static final String PASSWORD = "correct horse battery staple 42";

    @TempDir
    static Path dataDir;

    private static TestAppliance app;
    private static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        chromium = Chromium.launch();
        app = TestAppliance.start(dataDir);
        app.appliance().web().accounts().create("operator", Role.OPERATOR, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void previewsTheGpuMoveAsADiffAndAppliesItAfterShuttingTheHolderDown() throws Exception {
        List<String> errors = new ArrayList<>();
        try (BrowserContext context = chromium.newContext()) {
            String base = "https://127.0.0.1:" + app.port();
            // Log in first: the console's scripts are behind the login (a 401 there would open Chromium's Basic-auth prompt).
            APIResponse login = context.request().post(base + "/api/auth/login", RequestOptions.create()
                    .setHeader("Content-Type", "application/json")
                    .setData("{\"user\":\"operator\",\"password\":\"" + PASSWORD + "\"}"));
            assertThat(login.status()).isEqualTo(200);
            String csrf = new com.fasterxml.jackson.databind.ObjectMapper().readTree(login.text()).path("csrfToken").asText();
            context.addInitScript("sessionStorage.setItem('passkvm.csrf', '" + csrf + "')");
            Page page = context.newPage();
            page.setDefaultTimeout(60_000);
            page.onPageError(e -> errors.add(String.valueOf(e)));
            // A page of our own at the appliance's origin, so the panel's fetches are same-origin.
            page.route(base + "/vm-panel-test", route -> route.fulfill(new Route.FulfillOptions().setContentType("text/html")
                    .setBody("<!doctype html><html><head><link rel='stylesheet' href='/assets/style.css'></head><body>"
                            + "<div id='vms'></div><script src='/assets/api.js'></script><script src='/assets/vms.js'></script>"
                            + "</body></html>")));
            page.navigate(base + "/vm-panel-test");
            page.waitForFunction("() => typeof PassKVMVms === 'object'");
            page.evaluate("PassKVMVms.mount(document.getElementById('vms'))");

            page.waitForSelector(".vms-link >> text=connected");
            assertThat(page.locator("tbody tr")).satisfies(rows -> assertThat(rows.count()).isEqualTo(3));
            assertThat(page.locator("[role=alert]").innerText()).as("panel error; panel:\n%s", page.innerText("#vms")).isEmpty();
            Locator nvidia = page.locator(".gpu", new Page.LocatorOptions().setHasText("RTX 4090"));
            assertThat(nvidia.innerText()).contains("held by gaming", "0000:01:00.1", "vfio-pci");
            Locator intel = page.locator(".gpu", new Page.LocatorOptions().setHasText("UHD Graphics 770"));
            assertThat(intel.innerText()).contains("2 of 7 VFs", "i915-GVTg_V5_4");

            nvidia.locator("select[aria-label='VM to give the GPU to']").selectOption("workstation");
            nvidia.locator("text=Preview move…").click();
            Locator preview = page.locator(".preview");
            preview.waitFor();
            assertThat(preview.locator("pre.diff .del").first().innerText()).contains("<hostdev mode='subsystem' type='pci' managed='yes'>");
            assertThat(preview.innerText()).contains("gaming is running and must shut down first");

            preview.locator("text=Shut down gaming and apply").click();
            page.waitForSelector("text=/move gaming: done/");
            page.waitForSelector(".gpu:has-text('RTX 4090') >> text=held by workstation");
        }
        assertThat(errors).isEmpty();
    }
}
