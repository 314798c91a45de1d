"use strict";
// The admin's run-time settings (/api/settings/runtime): each applies at once where the part can take it, otherwise
// at the next start, which the panel says next to it.
//   PassKVMSettings.mount(panel, me)
const PassKVMSettings = (() => {
  const h = PassKVM.h;

  function mount(panel, me) {
    if (me.role !== "admin") { panel.hidden = true; return; }
    const rows = h("div", { class: "settings-rows" });
    const error = h("p", { class: "error", role: "alert" });
    panel.querySelectorAll(":scope > p.muted").forEach((p) => p.remove());
    panel.append(h("p", { class: "small muted" }, "Kept in the data directory over the settings file; every change is in the audit log."), rows, error);

    function row(s) {
      const id = `setting-${s.key.replace(/\./g, "-")}`;
      const field = s.type === "boolean" ? h("input", { type: "checkbox", id, checked: !!s.value })
        : h("input", { type: s.type === "integer" ? "number" : "text", id, value: String(s.value) });
      const note = h("span", { class: "small muted" }, s.restartPending ? "takes effect at the next restart" : s.live ? "applied at once" : "applies at the next restart");
      const reset = h("button", { type: "button", hidden: !s.overridden, "aria-label": `${s.label}: back to the settings file` }, "Reset");
      const send = async (value) => {
        error.textContent = "";
        try { show(await PassKVM.put("/api/settings/runtime", { key: s.key, value })); } catch (e) { error.textContent = `${s.label}: ${e.message}`; refresh(); }
      };
      field.addEventListener("change", () => send(s.type === "boolean" ? field.checked : s.type === "integer" ? Number(field.value) : field.value));
      reset.addEventListener("click", () => send(null));
      const el = h("div", { class: "setting-row", "data-key": s.key }, h("label", { for: id }, s.label), field, reset, note);
      return el;
    }
    function show(s) {
      const old = rows.querySelector(`[data-key="${s.key}"]`);
      if (old) old.replaceWith(row(s));
    }
    async function refresh() {
      try {
        rows.replaceChildren(...(await PassKVM.get("/api/settings/runtime")).settings.map(row));
      } catch (e) { error.textContent = e.message; }
    }
    refresh();
  }

  return { mount };
})();
