package org.passkvm.power;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.appliance.BrowserSession;
import org.passkvm.appliance.TestAppliance;
import org.passkvm.simulator.SimulatedTarget.Power;
import org.passkvm.testkit.Await;
import org.passkvm.testkit.Tools;

/** The ATX panel (atx.js) in Chromium: LEDs follow the target, buttons press, risky ones ask first. */
class AtxPanelBrowserTest {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(DemoPower::start);

    static Page panel() {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        // Until index.html loads atx.js itself, load it the same way a <script src> would.
        if (!(Boolean) page.evaluate("() => typeof PassKVMAtx !== 'undefined'")) {
            page.addScriptTag(new Page.AddScriptTagOptions().setUrl("/assets/atx.js"));
            page.evaluate("() => { const el = document.getElementById('panel-atx');"
                    + " el.hidden = false; PassKVMAtx.mount(el, { role: 'admin' }); }");
        }
        page.evaluate("() => { const d = document.getElementById('drawer'); if (d) d.hidden = false; }");
        page.waitForSelector(".atx-panel button[data-action=reset]");
        return page;
    }

    static String powerLedText(Page page) {
        return (String) page.evaluate("() => document.querySelector('.atx-panel .atx-led span:last-child').textContent");
    }

    @Test
    void buttonsPressTheTargetAndTheLedsFollowIt() throws Exception {
        Page page = panel();
        page.waitForFunction("() => document.querySelector('.atx-panel').textContent.includes('Power on')");
        assertThat(page.isDisabled(".atx-panel button[data-action=on]")).as("on is pointless while on").isTrue();

        List<String> dialogs = new CopyOnWriteArrayList<>();
        page.onDialog(d -> {
            dialogs.add(d.message());
            if (d.message().contains("Reset")) {
                d.accept();
            } else {
                d.dismiss();
            }
        });
        page.click(".atx-panel button[data-action=off_hard]");
        Await.until(Duration.ofSeconds(5), () -> !dialogs.isEmpty(), "the confirmation dialog");
        assertThat(dialogs).singleElement().satisfies(m -> assertThat(m).contains("Cut the host's power"));
        assertThat(browser.app().target().power()).as("dismissed: nothing pressed").isEqualTo(Power.ON);

        List<Power> seen = new CopyOnWriteArrayList<>();
        browser.app().target().onPowerChange(() -> seen.add(browser.app().target().power()));
        page.click(".atx-panel button[data-action=reset]");
        Await.until(Duration.ofSeconds(5), () -> seen.contains(Power.BOOTING), "the target booting after reset");
        Await.until(Duration.ofSeconds(5), () -> browser.app().target().power() == Power.ON, "the target on after reset");
        page.waitForFunction("() => !document.querySelector('.atx-panel button[data-action=reset]').disabled");

        page.click(".atx-panel button[data-action=off]"); // graceful: no question asked
        Await.until(Duration.ofSeconds(10), () -> browser.app().target().power() == Power.OFF, "the target off");
        page.waitForFunction("() => document.querySelector('.atx-panel').textContent.includes('Power off')");
        assertThat(powerLedText(page)).isEqualTo("Power off");

        page.waitForFunction("() => !document.querySelector('.atx-panel button[data-action=on]').disabled");
        page.click(".atx-panel button[data-action=on]");
        Await.until(Duration.ofSeconds(10), () -> browser.app().target().power() == Power.ON, "the target on");
        page.waitForFunction("() => document.querySelector('.atx-panel').textContent.includes('Power on')");
        assertThat(browser.chromium().consoleErrors()).isEmpty();
    }

    @Test
    void theIpmiPasswordIsSetFromThePanelAndShownOnce() throws Exception {
        Page page = panel();
        page.click(".panel summary:text('IPMI over LAN')");
        page.click("button:text('New IPMI password')");
        page.waitForFunction("() => [...document.querySelectorAll('code')].some(c => c.textContent.includes('ipmitool -I lanplus -U admin -P '))");
        String cmd = (String) page.evaluate("() => [...document.querySelectorAll('code')].find(c => c.textContent.includes('ipmitool')).textContent");
        String password = cmd.replaceAll(".* -P (\\S+) .*", "$1");
        assertThat(password).hasSize(16);
        if (Tools.present("ipmitool")) {   // IpmiToolTest requires it; here it only adds a check
            DemoPower.Result r = DemoPower.run(List.of("ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p",
                    Integer.toString(browser.app().ipmiPort()), "-U", "admin", "-P", password, "-N", "1", "-R", "2",
                    "chassis", "power", "status"), Duration.ofSeconds(20));
            assertThat(r.output()).contains("Chassis Power is");
        }
    }
}
