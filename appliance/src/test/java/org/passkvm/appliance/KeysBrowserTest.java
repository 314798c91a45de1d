package org.passkvm.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passkvm.testkit.Await;

/** paste.js in Chromium against a demo target set to German: the paste dialog, the Keys menu, the on-screen keyboard. */
class KeysBrowserTest {

    @RegisterExtension
    static final BrowserSession browser = BrowserSession.of(dir -> TestAppliance.start(dir, "hid:\n  keyboard_layout: de\n"));

    static Page console() {
        Page page = browser.chromium().login(browser.app().port(), "admin", TestAppliance.PASSWORD);
        // Until index.html loads paste.js itself, load it the way a <script src> would and mount it as console.js does.
        if (!(Boolean) page.evaluate("() => typeof PassKVMPaste !== 'undefined'")) {
            page.addScriptTag(new Page.AddScriptTagOptions().setUrl("/assets/paste.js"));
            page.evaluate("() => {"
                    + " const $ = (id) => document.getElementById(id);"
                    + " $('btn-keys').hidden = false; $('btn-osk').hidden = false; $('btn-paste').hidden = false;"
                    + " PassKVMKeys.mount($('menu-keys'), $('btn-keys'), $('osk'), $('btn-osk'));"
                    + " PassKVMPaste.mount($('dialog-paste'), $('btn-paste')); }");
        }
        return page;
    }

    private static String lastLine() throws Exception {
        List<String> lines = org.passkvm.web.Json.MAPPER.convertValue(
                browser.app().admin().json("GET", "/api/demo/target", null).get("lines"),
                org.passkvm.web.Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
        return lines.get(lines.size() - 1);
    }

    @Test
    void pasteDialogTypesGermanTextWithDeadKeysIntoTheTarget() throws Exception {
        Page page = console();
        page.click("#btn-paste");
        page.waitForFunction("() => document.querySelector('#dialog-paste select').value === 'de'");
        page.fill("#dialog-paste textarea", "Grüße ^ € {ok}");
        page.fill("#dialog-paste input[type=number]", "2");
        page.click("#dialog-paste >> text=Type it");
        page.waitForFunction("() => document.querySelector('#dialog-paste .pk-status').textContent.startsWith('done')");
        assertThat(page.textContent("#dialog-paste .pk-status")).contains("14 of 14 characters in de");
        assertThat(((Number) page.evaluate("() => document.querySelector('#dialog-paste progress').value")).intValue()).isEqualTo(14);
        assertThat(lastLine()).endsWith("Grüße ^ € {ok}"); // the tests share one target

        page.selectOption("#dialog-paste select", "it");
        page.fill("#dialog-paste textarea", "~");
        page.click("#dialog-paste >> text=Type it");
        page.waitForFunction("() => document.querySelector('#dialog-paste .pk-error').textContent.includes('cannot type')");
        page.click("#dialog-paste >> text=Close");
        assertThat(page.isHidden("#dialog-paste")).isTrue();
        assertThat(browser.chromium().consoleErrors()).allMatch(e -> e.contains("422"));
    }

    @Test
    void onScreenKeyboardIsLabelledInTheLayoutAndLatchesModifiers() throws Exception {
        Page page = console();
        page.evaluate("() => PassKVMLayouts.choose('de')");
        page.click("#btn-osk");
        page.waitForFunction("() => document.querySelector('#osk button[data-code=KeyY]').textContent === 'Z'");
        assertThat(page.isHidden("#osk button[data-code=IntlYen]")).as("no Yen key on a German keyboard").isTrue();
        assertThat(page.textContent("#osk button[data-code=Backquote]")).contains("^");
        page.click("#osk button[data-code=KeyY]");
        page.click("#osk button[data-code=AltRight]");
        page.click("#osk button[data-code=KeyQ]");
        page.click("#osk button[data-code=ShiftLeft]");
        page.click("#osk button[data-code=KeyZ]");
        page.waitForFunction("() => true");
        Await.value(Duration.ofSeconds(5), KeysBrowserTest::lastLine, l -> l.endsWith("z@Y"), "z@Y typed on the target");

        long before = browser.app().appliance().parts().simulator().state().keystrokes();
        page.click("#btn-keys");
        page.click("#menu-keys >> text=Ctrl+Alt+Del");
        assertThat(page.isHidden("#menu-keys")).isTrue();
        Await.value(Duration.ofSeconds(5), () -> browser.app().appliance().parts().simulator().state().keystrokes(),
                n -> n > before, "a keystroke from Ctrl+Alt+Del on the target");
        assertThat(browser.chromium().consoleErrors()).isEmpty();
    }
}
