"use strict";
// The ATX panel: the host's power and HDD LEDs, and its front-panel buttons.
// Usage: PassKVMAtx.mount(element, me) → { close() }; me is /api/auth/me (viewers get no buttons).
// State comes pushed over /api/power/ws; if the socket cannot be held, it is polled every 2 s.
const PassKVMAtx = (() => {
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
    const wrap = document.createElement("span");
    wrap.className = "atx-led";
    const dot = document.createElement("span");
    dot.setAttribute("aria-hidden", "true");
    dot.className = "atx-dot";
    const text = document.createElement("span");
    text.textContent = name;
    wrap.append(dot, text);
    return { wrap, dot, text, name };
  }

  function mount(el, me) {
    const viewer = me && me.role === "viewer";
    const power = led("Power");
    const hdd = led("HDD");
    const status = document.createElement("span");
    status.className = "atx-status";
    status.setAttribute("aria-live", "polite");
    const buttons = new Map();
    const bar = document.createElement("span");
    bar.className = "atx-buttons";
    for (const a of ACTIONS) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = a.label;
      b.title = a.title;
      b.dataset.action = a.id;
      b.addEventListener("click", () => press(a));
      buttons.set(a.id, b);
      bar.append(b);
    }
    const root = document.createElement("span");
    root.className = "atx-panel";
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", "Host power");
    root.append(power.wrap, hdd.wrap);
    if (!viewer) root.append(bar);
    root.append(status);
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
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "Wake-on-LAN";
    b.title = "Send the magic packet to the configured MAC address";
    const out = document.createElement("span");
    out.className = "muted";
    b.addEventListener("click", async () => {
      try {
        const r = await PassKVM.post("/api/power/wol");
        out.textContent = ` sent to ${r.mac}`;
      } catch (e) {
        out.textContent = ` ${e.message}`;
      }
    });
    const p = document.createElement("p");
    p.append(b, out);
    return p;
  }

  // IPMI logs in with its own password (RAKP needs it in the clear on the BMC): set one here, shown once.
  function ipmiAccess(fail) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "IPMI over LAN";
    const state = document.createElement("p");
    state.className = "muted";
    const secret = document.createElement("code");
    const enable = document.createElement("button");
    enable.type = "button";
    enable.textContent = "New IPMI password";
    const disable = document.createElement("button");
    disable.type = "button";
    disable.textContent = "Turn off";
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
    details.addEventListener("toggle", async () => {
      if (!details.open) return;
      try { show(await PassKVM.get("/api/ipmi/credentials")); } catch (e) { fail(e.message); }
    });
    details.append(summary, state, enable, document.createTextNode(" "), disable, document.createElement("br"), secret);
    return details;
  }

  return { mount };
})();
