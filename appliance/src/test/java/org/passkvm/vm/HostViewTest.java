package org.passkvm.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.appliance.BrowserSession;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.testkit.Tools;
import org.passkvm.web.Json;
import org.passkvm.web.Role;

/**
 * The console's Host view (#host) in Debian's Chromium on the demo host: it fits 1440×900 and 1024×768, previews a
 * GPU move as a diff before applying it, shows refusals, keeps the console's stream, and shows viewers no buttons.
 * The layout test runs first, on the demo host as shipped (its screenshot is docs/vm-host-view.png).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostViewTest {

    private static final String PASSWORD = "correct horse battery staple 42";

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(dir -> {
        TestAppliance app = TestAppliance.start(dir);
        app.appliance().web().accounts().create("operator", Role.OPERATOR, PASSWORD);
        app.appliance().web().accounts().create("viewer", Role.VIEWER, PASSWORD);
        return app;
    });

    /**
     * Every rendered element of the page that reaches past the viewport's sides, or whose content is wider than its
     * box (a table pushing out, a scroll bar inside), named by a short selector path and its first words.
     */
    private static final String OVERFLOWS = """
            () => {
              const vw = document.documentElement.clientWidth;
              const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + [...el.classList].map((c) => '.' + c).join('');
              const path = (el) => {
                const p = [];
                for (let e = el; e && e !== document.body; e = e.parentElement) p.unshift(name(e));
                return p.slice(-4).join(' > ');
              };
              const out = [];
              const page = document.documentElement;
              if (page.scrollWidth > page.clientWidth) out.push(`the page: scrollWidth ${page.scrollWidth} > ${page.clientWidth}`);
              for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (!r.width && !r.height) continue;
                const what = `${path(el)} "${(el.textContent || '').trim().slice(0, 30)}"`;
                if (r.right > vw + 0.5 || r.left < -0.5) {
                  out.push(`${what}: spans ${Math.round(r.left)}..${Math.round(r.right)} of 0..${vw}`);
                } else if (el.clientWidth && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'SELECT') {
                  out.push(`${what}: content ${el.scrollWidth} wide in ${el.clientWidth}`);
                }
              }
              return out;
            }""";

    /** Every visible checkbox of the Host view that is not on the first line of its label's words, left of them. */
    private static final String CHECKBOXES_NOT_BESIDE_THEIR_WORDS = """
            () => [...document.querySelectorAll('#host-view label')]
              .filter((l) => l.querySelector('input[type=checkbox]') && l.getClientRects().length)
              .map((l) => {
                const box = l.querySelector('input[type=checkbox]').getBoundingClientRect();
                const range = document.createRange();
                range.selectNodeContents(l.querySelector('span') || l);
                const line = range.getClientRects()[0];
                const mid = (box.top + box.bottom) / 2;
                if (line && mid > line.top && mid < line.bottom && box.right <= line.left + 1) return null;
                return `"${l.textContent.trim()}": box at ${Math.round(box.left)},${Math.round(box.top)}, words at `
                  + (line ? `${Math.round(line.left)},${Math.round(line.top)}` : 'nowhere');
              })
              .filter(Boolean)""";

    private static Page hostView(String user, String password, int width, int height) {
        Page page = browser.chromium().login(browser.app().port(), user, password);
        page.setViewportSize(width, height);
        page.click("#tab-host");
        page.waitForSelector("#host-connection .link-connected");
        page.waitForSelector("#host-devices .device");
        assertThat(page.locator("#host-vms tbody tr").count()).isEqualTo(3);
        return page;
    }

    private static Locator card(Page page, String product) {
        return page.locator("#host-devices .device", new Page.LocatorOptions().setHasText(product));
    }

    @Test
    @Order(1)
    void nothingOverflowsAt1440x900Or1024x768AndCheckboxesSitBesideTheirWords() {
        Tools.require("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"); // widths depend on the font
        Page page = hostView("admin", TestAppliance.PASSWORD, 1440, 900);
        for (int[] size : new int[][] {{1440, 900}, {1024, 768}, {600, 800}}) {
            page.setViewportSize(size[0], size[1]);
            page.locator("#host-move .preview button:has-text('Cancel')").all().forEach(Locator::click);
            String at = size[0] + "×" + size[1];
            page.evaluate("() => { document.getElementById('host-view').scrollTop = 0; }");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/host-view-" + size[0] + "x" + size[1] + ".png")));
            // With a diff preview open: the widest thing the view shows.
            page.selectOption("#move-device", "pci_0000_01_00_0");
            page.selectOption("#move-vm", "workstation");
            page.click("#host-move button:has-text('Preview move')");
            page.waitForSelector("#host-move .preview pre.diff");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/host-view-" + size[0] + "x" + size[1] + "-preview.png")));
            @SuppressWarnings("unchecked")
            List<String> overflows = (List<String>) page.evaluate(OVERFLOWS);
            assertThat(overflows).as("elements overflowing at %s", at).isEmpty();
            @SuppressWarnings("unchecked")
            List<String> checkboxes = (List<String>) page.evaluate(CHECKBOXES_NOT_BESIDE_THEIR_WORDS);
            assertThat(checkboxes).as("checkboxes not beside their words at %s", at).isEmpty();
            assertThat(page.locator("#host-view label:has(input[type=checkbox])").count()).as("checkboxes checked at %s", at)
                    .isGreaterThanOrEqualTo(3);
        }
        assertThat(browser.chromium().consoleErrors(page)).isEmpty();
    }

    @Test
    @Order(2)
    void aMoveIsPreviewedAsADiffRefusedWhileTheHolderRunsAndAppliedAfterShuttingItDown() {
        Page page = hostView("operator", PASSWORD, 1440, 900);
        assertThat(page.innerText("#host-connection")).contains("test:///", "connected", "Since");
        Locator nvidia = card(page, "RTX 4090");
        assertThat(nvidia.innerText()).contains("held by gaming", "IOMMU group 14", "0000:01:00.1", "vfio-pci");
        Locator intel = card(page, "UHD Graphics 770");
        assertThat(intel.innerText()).contains("2 of 7 VFs", "0000:00:02.1", "homelab", "i915-GVTg_V5_4");
        assertThat(page.locator("#host-view button:has-text('Set VF count')").count()).as("an admin-only control").isZero();

        page.selectOption("#move-device", "pci_0000_01_00_0");
        page.selectOption("#move-vm", "workstation");
        page.click("#host-move button:has-text('Preview move')");
        Locator preview = page.locator("#host-move .preview");
        preview.waitFor();
        assertThat(preview.locator("pre.diff .del").first().innerText()).contains("<hostdev mode='subsystem' type='pci' managed='yes'>");
        assertThat(preview.innerText()).contains("Preview · nothing changed yet", "gaming is running and would lose a device");
        preview.locator("button:has-text('Apply')").click();
        page.waitForSelector("#move-result .error");
        assertThat(page.innerText("#move-result")).contains("Refused (409)", "gaming is running");
        assertThat(nvidia.innerText()).contains("held by gaming");

        page.check("#move-shutdown");
        assertThat(preview.count()).as("a changed form withdraws the preview").isZero();
        page.click("#host-move button:has-text('Preview move')");
        preview.locator("button:has-text('Shut down gaming and apply')").click();
        page.waitForSelector("#move-result >> text=/move gaming: done/");
        page.waitForSelector("#host-devices .device:has-text('RTX 4090') >> text=held by workstation");
        assertThat(page.locator("#host-vms tr:has-text('gaming') .state").innerText()).isEqualTo("shut-off");
        assertThat(browser.chromium().consoleErrors(page)).as("besides the refused Apply")
                .filteredOn(e -> !e.contains("status of 409")).isEmpty();
    }

    @Test
    @Order(3)
    void anAdminChangesTheVfCountOnlyThroughAConfirmStepAndSeesTheHostsAnswer() {
        Page page = hostView("admin", TestAppliance.PASSWORD, 1440, 900);
        Locator intel = card(page, "UHD Graphics 770");
        intel.locator("input[type=number]").fill("3");
        intel.locator("button:has-text('Set VF count')").click();
        intel.locator(".confirm .error").waitFor();
        assertThat(intel.locator(".confirm").innerText()).contains("Refused (409)", "homelab, which is running");

        page.locator("#host-vms tr:has-text('homelab') button:has-text('Shut down')").click();
        page.waitForSelector("#host-vms tr:has-text('homelab') .job >> text=/shutdown homelab: done/");
        page.waitForSelector("#host-vms tr:has-text('homelab') .state-shut-off");
        intel = card(page, "UHD Graphics 770");
        intel.locator("input[type=number]").fill("3");
        intel.locator("button:has-text('Set VF count')").click();
        intel.locator(".confirm button:has-text('Confirm: 3 VFs')").waitFor();
        assertThat(intel.locator(".confirm").innerText()).contains("from 2 to 3 virtual functions removes every one it has now");
        intel.locator(".confirm button:has-text('Confirm: 3 VFs')").click();
        intel.locator(".confirm .error").waitFor();
        assertThat(intel.locator(".confirm").innerText()).as("the demo host has no shell for sysfs")
                .contains("Not supported by this host (501)", "qemu+ssh");
    }

    /** What other work adds to /api/gpus (a device's kind, mdev parents that are no GPU) shows where it is given. */
    @Test
    @Order(4)
    void devicesOfOtherKindsAndMdevParentsShowWhenTheApiListsThem() {
        Page page = browser.chromium().login(browser.app().port(), "operator", PASSWORD);
        page.route("**/api/gpus", route -> {
            try {
                ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(route.fetch().text());
                for (JsonNode gpu : answer.get("gpus")) {
                    ((ObjectNode) gpu).put("kind", gpu.get("product").asText().contains("RTX") ? "pci" : "gpu");
                }
                answer.set("mdevParents", Json.MAPPER.readTree("""
                        [{"id": "mtty_mtty", "label": "mtty sample", "types": [{"id": "mtty-2", "name": "Dual-port serial",
                          "deviceApi": "vfio-pci", "availableInstances": 1, "instances": [
                            {"uuid": "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", "heldBy": "workstation", "created": true}]}]}]
                        """));
                route.fulfill(new Route.FulfillOptions().setStatus(200).setContentType("application/json")
                        .setBody(Json.MAPPER.writeValueAsString(answer)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        page.click("#tab-host");
        page.waitForSelector("#host-devices .device:has-text('mtty sample')");
        assertThat(card(page, "UHD Graphics 770").locator(".badge").innerText()).isEqualTo("GPU");
        assertThat(card(page, "RTX 4090").locator(".badge").innerText()).isEqualTo("PCI device");
        Locator mtty = card(page, "mtty sample");
        assertThat(mtty.innerText()).contains("mediated-device parent", "mtty-2", "Dual-port serial", "83b8f4f2", "workstation",
                "made by PassKVM");
        assertThat(mtty.locator("button:has-text('Release')").count()).isEqualTo(1);
        assertThat(page.locator("#move-device optgroup[label='Mediated-device parents'] option").allTextContents())
                .containsExactly("mtty sample");
        page.selectOption("#move-device", "mtty_mtty");
        assertThat(page.locator("#move-method option").allTextContents()).containsExactly("mediated device");
        assertThat(page.isVisible("#move-type")).isTrue();
        assertThat(page.locator("#move-type option").allTextContents()).containsExactly("mtty-2 (1 available)");
        assertThat(browser.chromium().consoleErrors(page)).isEmpty();
    }

    @Test
    @Order(5)
    void viewersSeeTheHostWithoutAnythingToPress() {
        Page page = hostView("viewer", PASSWORD, 1024, 768);
        assertThat(page.innerText("#host-devices")).contains("RTX 4090", "IOMMU group");
        assertThat(page.locator("#host-view button, #host-view select, #host-view input").count()).isZero();
        assertThat(page.innerText("#host-move")).contains("read-only");
    }

    @Test
    @Order(6)
    void switchingToTheHostViewAndBackKeepsTheStreamAndAReloadKeepsTheView() {
        Page page = browser.chromium().login(browser.app().port(), "operator", PASSWORD);
        page.waitForFunction("() => PassKVMVideo.stats().framesDecoded > 0"
                + " || (PassKVMVideo.element() && PassKVMVideo.element().naturalWidth > 0)");
        page.waitForFunction("() => document.getElementById('st-hid').textContent.includes('online')");
        page.evaluate("() => { PassKVMVideo.element().dataset.before = 'host view'; }");

        page.setViewportSize(1024, 768);
        Object toolbar = page.evaluate("() => document.querySelector('.toolbar').getBoundingClientRect().height");
        assertThat(((Number) toolbar).doubleValue()).as("the console's toolbar on one line at 1024 wide: %s",
                page.evaluate("() => [...document.querySelector('.toolbar').children, ...document.getElementById('tools').children]"
                        + ".map((c) => c.id + ' ' + c.offsetWidth).join(', ')"))
                .isLessThan(50);
        page.click("#tab-host");
        page.waitForSelector("#host-connection .link-connected");
        assertThat(page.url()).endsWith("#host");
        assertThat(page.isVisible("#screen")).isFalse();
        assertThat(page.isVisible("#btn-paste")).as("console controls hide in the Host view").isFalse();
        long decoded = ((Number) page.evaluate("() => PassKVMVideo.stats().framesDecoded")).longValue();

        page.click("#tab-console");
        assertThat(page.isVisible("#screen")).isTrue();
        assertThat(page.evaluate("() => PassKVMVideo.element().dataset.before")).as("the same picture element").isEqualTo("host view");
        if ("h264".equals(page.evaluate("() => PassKVMVideo.stats().mode"))) {
            page.waitForFunction("n => PassKVMVideo.stats().framesDecoded > n", (int) decoded);
        }
        assertThat(page.textContent("#st-hid")).contains("online");

        page.click("#tab-host");
        page.reload();
        page.waitForSelector("#host-connection .link-connected");
        assertThat(page.isVisible("#screen")).isFalse();
        assertThat(page.getAttribute("#tab-host", "aria-current")).isEqualTo("page");
        assertThat(browser.chromium().consoleErrors(page)).isEmpty();
    }
}
