"use strict";
// Macros (the appliance stores and replays them: /api/hid/macros): a panel to write, record, name and run them, and
// Ctrl+Alt+digit in the captured picture to run the one with that hotkey.
//   PassKVMMacros.mount(panel, input, me)   input: console.js's PassKVMInput (its record() hook)
//   PassKVMMacros.hotkey(digit)             runs the macro with that hotkey; true if there is one
const PassKVMMacros = (() => {
  const h = PassKVM.h;
  let macros = [];
  let runMacro = null;

  const url = (name) => `/api/hid/macros/${encodeURIComponent(name)}`;

  function mount(panel, input, me) {
    if (me.role === "viewer") { panel.hidden = true; return; }
    const list = h("ul", { class: "plain macro-list" });
    const name = h("input", { type: "text", "aria-label": "Macro name", placeholder: "name" });
    const hotkey = h("select", { "aria-label": "Hotkey" }, h("option", { value: "0" }, "no hotkey"),
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => h("option", { value: String(d) }, `Ctrl+Alt+${d}`)));
    const script = h("textarea", { class: "macro-script", rows: 6, spellcheck: false, "aria-label": "Macro steps, one a line",
      placeholder: "type echo hello\ntap Enter\nwait 500\nmove 16384 16384\nclick left" });
    const save = h("button", { type: "button" }, "Save");
    const record = h("button", { type: "button", "aria-pressed": "false" }, "Record");
    const abort = h("button", { type: "button", disabled: true }, "Abort");
    const status = h("span", { class: "muted", role: "status" });
    const error = h("span", { class: "error", role: "alert" });
    const say = (m) => { error.textContent = m || ""; };

    function show() {
      list.replaceChildren(...(macros.length ? macros.map((m) => h("li", { class: "macro" },
        h("b", {}, m.name), m.hotkey ? h("span", { class: "muted" }, ` Ctrl+Alt+${m.hotkey} `) : " ",
        h("button", { type: "button", onclick: () => runMacro(m.name), "aria-label": `Run ${m.name}` }, "Run"),
        h("button", { type: "button", onclick: () => edit(m), "aria-label": `Edit ${m.name}` }, "Edit"),
        h("button", { type: "button", onclick: () => remove(m.name), "aria-label": `Delete ${m.name}` }, "Delete")))
        : [h("li", { class: "muted" }, "No macros yet.")]));
    }
    function edit(m) { name.value = m.name; hotkey.value = String(m.hotkey || 0); script.value = m.script; name.focus(); }
    async function refresh() {
      try {
        const r = await PassKVM.get("/api/hid/macros");
        macros = r.macros;
        show();
        progress(r.run);
      } catch (e) { say(e.message); }
    }
    let timer = null;
    function progress(p) {
      const running = p && p.state === "RUNNING";
      abort.disabled = !running;
      status.textContent = p && p.state !== "IDLE" ? `${p.macro}: ${p.state.toLowerCase()}, ${p.step} of ${p.steps} steps${p.error ? ` (${p.error})` : ""}` : "";
      if (running && !timer) timer = setInterval(async () => progress(await PassKVM.get("/api/hid/macros/run").catch(() => null)), 300);
      if (!running && timer) { clearInterval(timer); timer = null; }
    }
    runMacro = async (n) => {
      say("");
      try {
        progress(await PassKVM.post(`${url(n)}/run`, { layout: typeof PassKVMLayouts === "undefined" ? undefined : PassKVMLayouts.chosen() || undefined }));
      } catch (e) { say(e.message); }
    };
    async function remove(n) {
      try { await PassKVM.del(url(n)); await refresh(); } catch (e) { say(e.message); }
    }
    save.addEventListener("click", async () => {
      say("");
      try {
        await PassKVM.put(url(name.value.trim()), { script: script.value, hotkey: Number(hotkey.value) });
        await refresh();
        status.textContent = `Saved ${name.value.trim()}.`;
      } catch (e) { say(e.message); }
    });
    abort.addEventListener("click", async () => { try { progress(await PassKVM.del("/api/hid/macros/run")); } catch (e) { say(e.message); } });

    // Recording: what the console sends (keys, buttons with the pointer where they happened, wheel), with the pauses.
    let recorded = null;
    let last = 0;
    record.addEventListener("click", () => {
      if (recorded) {
        input.record(null);
        script.value = recorded.join("\n");
        recorded = null;
        record.textContent = "Record";
        record.setAttribute("aria-pressed", "false");
        status.textContent = "Recorded: name it and save.";
        return;
      }
      recorded = [];
      last = performance.now();
      input.record((step) => {
        const now = performance.now();
        const gap = Math.round(now - last);
        if (recorded.length && gap >= 50) recorded.push(`wait ${Math.min(gap, 60000)}`);
        last = now;
        recorded.push(step);
      });
      record.textContent = "Stop recording";
      record.setAttribute("aria-pressed", "true");
      status.textContent = "Recording: use the picture, then stop.";
    });

    panel.querySelectorAll(":scope > p.muted").forEach((p) => p.remove());
    panel.append(list,
      h("div", { class: "macro-editor" }, h("div", { class: "macro-row" }, name, hotkey), script,
        h("div", { class: "macro-row" }, save, record, abort), status, error),
      h("p", { class: "small muted" }, "Steps: type TEXT · tap Code+Code · down/up Code · move X Y (0..32767) · click/press/release left|right|middle · wheel N · wait MS. Text follows the paste layout and delay; Abort (or the paste dialog's) stops a run."));
    refresh();
  }

  function hotkey(digit) {
    const m = macros.find((x) => x.hotkey === digit);
    if (!m || !runMacro) return false;
    runMacro(m.name);
    return true;
  }

  return { mount, hotkey };
})();
