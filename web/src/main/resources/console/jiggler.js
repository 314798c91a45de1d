"use strict";
// The mouse jiggler (the appliance does the moving, see /api/hid/jiggler): a panel to turn it on and set its interval,
// and the status bar's "Jiggler" item, shown only while it is on.
//   PassKVMJiggler.mount(panel, statusItem, me)
const PassKVMJiggler = (() => {
  const h = PassKVM.h;

  function mount(panel, status, me) {
    const operator = me.role !== "viewer";
    const on = h("input", { type: "checkbox", id: "jiggler-on" });
    const interval = h("input", { type: "number", id: "jiggler-interval", min: 5, max: 3600, step: 1, style: "width: 6em" });
    const message = h("span", { class: "error", role: "alert" });
    const state = h("span", { class: "muted" });
    const show = (s) => {
      on.checked = s.enabled;
      if (document.activeElement !== interval) interval.value = s.intervalSeconds;
      state.textContent = s.enabled ? (s.paused ? "paused: the mouse is in use" : `on · ${s.nudges} nudges so far`) : "off";
      status.hidden = !s.enabled;
      status.querySelector("b").textContent = s.paused ? "paused" : `on · ${s.intervalSeconds} s`;
    };
    const change = async () => {
      message.textContent = "";
      try { show(await PassKVM.put("/api/hid/jiggler", { enabled: on.checked, intervalSeconds: Number(interval.value) })); }
      catch (e) { message.textContent = e.message; poll(); }
    };
    on.addEventListener("change", change);
    interval.addEventListener("change", change);
    on.disabled = interval.disabled = !operator;
    panel.querySelectorAll(":scope > p.muted").forEach((p) => p.remove());
    panel.append(
      h("p", { class: "small muted" }, "Moves the mouse about a pixel and back after every interval nobody used it, so the target's screensaver and lock stay away. It runs in PassKVM: no browser needs to be open."),
      h("label", {}, on, " On "), h("label", {}, "Every ", interval, " seconds of quiet"), state, message);
    async function poll() {
      try { show(await PassKVM.get("/api/hid/jiggler")); } catch (e) { /* the status bar item stays as it was */ }
    }
    poll();
    setInterval(poll, 5000);
  }

  return { mount };
})();
