"use strict";
// The ATX panel: the host's power and HDD LEDs, and its front-panel buttons.
// Usage: PassKVMAtx.mount(element, me) → { close() }; me is /api/auth/me (viewers get no buttons).
// State comes pushed over /api/power/ws; if the socket cannot be held, it is polled every 2 s.
const PassKVMAtx = (() => {
  const h = PassKVM.h;
  const ACTIONS = [
    { id: "on", label: "On", title: "Short press on the power button, only if the host is off" },
    { id: "off", label: "Off", title: "Short press: the host's OS shuts down cleanly" },
    { id: "off_hard", label: "Hard off", title: "Hold the power button ~5 s: power is cut",
      confirm: "Cut the host's power now? Unsaved work on the host is lost." },
    { id: "reset", label: "Reset", title: "Press the reset button",
      confirm: "Reset the host now? Unsaved work on the host is lost." },
    { id: "cycle", label: "Cycle", title: "Hard off, a pause, then on again",
      confirm: "Cut the power and switch the host on again? Unsaved work on the host is lost." },
  ];

  function led(name) {
    const dot = h("span", { class: "atx-dot", "aria-hidden": "true" });
    const text = h("span", {}, name);
    return { wrap: h("span", { class: "atx-led" }, dot, text), dot, text, name };
  }

  function mount(el, me) {
    const viewer = me && me.role === "viewer";
    const power = led("Power");
    const hdd = led("HDD");
    const status = h("span", { class: "atx-status", "aria-live": "polite" });
    const buttons = new Map();
    for (const a of ACTIONS) {
      buttons.set(a.id, h("button", { type: "button", title: a.title, "data-action": a.id, onclick: () => press(a) }, a.label));
    }
    const bar = h("span", { class: "atx-buttons" }, [...buttons.values()]);
    const root = h("span", { class: "atx-panel", role: "group", "aria-label": "Host power" },
      power.wrap, hdd.wrap, viewer ? null : bar, status);
    // Keep the panel's heading; replace only its "Loading…" placeholder.
    el.querySelectorAll(":scope > p.muted").forEach((p) => p.remove());
    el.append(root);
    if (!viewer) el.append(wakeOnLan(), ipmiAccess(fail));

    let closed = false;
    let ws = null;
    let poll = null;
    let last = null;

    function show(s) {
      last = s;
      power.dot.classList.toggle("lit-power", !!s.powerLed);
      power.text.textContent = s.powerLed ? "Power on" : "Power off";
      hdd.dot.classList.toggle("lit-hdd", !!s.hddLed);
      hdd.text.textContent = s.hddLed ? "HDD busy" : "HDD idle"; // the words, not only the colour, carry the state
      for (const [id, b] of buttons) b.disabled = !!s.busy;
      buttons.get("on").disabled = !!s.busy || s.powerLed;
      buttons.get("off").disabled = !!s.busy || !s.powerLed;
      buttons.get("off_hard").disabled = !!s.busy || !s.powerLed;
      status.textContent = s.busy ? `${label(s.busy)}…` : "";
      status.className = "atx-status";
    }

    function label(id) {
      const a = ACTIONS.find((x) => x.id === id);
      return a ? a.label : id;
    }

    function fail(message) {
      status.textContent = message;
      status.className = "atx-status error";
    }

    async function press(a) {
      if (a.confirm && !window.confirm(a.confirm)) return;
      try {
        const r = await PassKVM.post(`/api/power/${a.id}`);
        if (r && r.state) show(r.state);
      } catch (e) {
        fail(e.status === 409 ? `Busy: ${e.message}` : e.message);
      }
    }

    async function refresh() {
      try {
        show(await PassKVM.get("/api/power"));
      } catch (e) {
        fail(e.message);
      }
    }

    function startPolling() {
      if (!poll && !closed) poll = setInterval(refresh, 2000);
    }

    function connect() {
      ws = PassKVM.socket("/api/power/ws", {
        open: () => { if (poll) { clearInterval(poll); poll = null; } },
        message: (m) => { if (typeof m.data === "string") show(JSON.parse(m.data)); },
        down: () => startPolling(), // keep the LEDs right while the socket is away
      });
    }

    refresh();
    connect();
    return {
      close() {
        closed = true;
        if (poll) clearInterval(poll);
        if (ws) ws.close();
      },
      state: () => last,
    };
  }

  function wakeOnLan() {
    const out = h("span", { class: "muted" });
    const b = h("button", {
      type: "button",
      title: "Send the magic packet to the configured MAC address",
      onclick: async () => {
        try {
          const r = await PassKVM.post("/api/power/wol");
          out.textContent = ` sent to ${r.mac}`;
        } catch (e) {
          out.textContent = ` ${e.message}`;
        }
      },
    }, "Wake-on-LAN");
    return h("p", {}, b, out);
  }

  // IPMI logs in with its own password (RAKP needs it in the clear on the BMC): set one here, shown once.
  function ipmiAccess(fail) {
    const state = h("p", { class: "muted" });
    const secret = h("code");
    const enable = h("button", { type: "button" }, "New IPMI password");
    const disable = h("button", { type: "button" }, "Turn off");
    const show = (r) => {
      state.textContent = r.enabled ? `On for ${r.user} (UDP port ${r.port}).` : `Off for ${r.user}.`;
      disable.hidden = !r.enabled;
      secret.textContent = r.password ? `ipmitool -I lanplus -U ${r.user} -P ${r.password} -p ${r.port} -H <address> chassis power status` : "";
    };
    enable.addEventListener("click", async () => {
      try { show(await PassKVM.post("/api/ipmi/credentials")); } catch (e) { fail(e.message); }
    });
    disable.addEventListener("click", async () => {
      try { show(await PassKVM.del("/api/ipmi/credentials")); } catch (e) { fail(e.message); }
    });
    const details = h("details", {
      ontoggle: async () => {
        if (!details.open) return;
        try { show(await PassKVM.get("/api/ipmi/credentials")); } catch (e) { fail(e.message); }
      },
    }, h("summary", {}, "IPMI over LAN"), state, enable, " ", disable, h("br"), secret);
    return details;
  }

  return { mount };
})();
