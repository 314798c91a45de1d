"use strict";
// The Host view: the passthrough host's connection, VMs (power, display), GPUs and other devices (IOMMU groups,
// SR-IOV VFs, mediated devices) and the Move form. Every definition change is shown as a diff before it is applied.
// Mount it with PassKVMVms.mount(element, me?) after /assets/api.js; console.js puts it in #host-view (#host).
// Builds the DOM with PassKVM.h only: VM names and XML never become markup.
const PassKVMVms = (() => {
  const h = PassKVM.h;

  // Like replaceChildren, but takes arrays and skips null/false, as h() does.
  function fill(el, ...children) {
    el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  }

  function diffView(text) {
    const pre = h("pre", { class: "diff" });
    for (const line of text.split("\n")) {
      const cls = line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("+") ? "add"
        : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "";
      pre.append(h("span", { class: cls }, line + "\n"));
    }
    return pre;
  }

  const METHODS = { whole: "whole device", vf: "SR-IOV VF", mdev: "mediated device" };
  const DISPLAY_MODES = ["none", "virtio", "virtio-gl", "qxl-spice"];
  // What each refusal means to the person who asked: the API's status codes (docs/vm.md).
  const REFUSALS = { 400: "Not accepted", 403: "Not allowed", 404: "Not found", 409: "Refused", 501: "Not supported by this host",
    502: "The host failed", 503: "Host not connected" };

  const gib = (mib) => `${Math.round(mib / 1024 * 10) / 10} GiB`;
  const short = (uuid) => (uuid || "").slice(0, 8) + "…";
  function ago(iso) {
    const s = (Date.now() - Date.parse(iso)) / 1000;
    if (!Number.isFinite(s)) return "";
    if (s < 90) return `${Math.max(0, Math.round(s))} s`;
    if (s < 5400) return `${Math.round(s / 60)} min`;
    if (s < 172800) return `${Math.round(s / 3600)} h`;
    return `${Math.round(s / 86400)} days`;
  }
  const refusal = (title, e) => `${title}: ${REFUSALS[e.status] || "Failed"}${e.status ? ` (${e.status})` : ""} — ${e.message}`;
  const holder = (vm) => (vm ? h("span", { class: "holder" }, vm) : h("span", { class: "muted" }, "free"));
  // The wrapper scrolls sideways where a table is wider than the screen: focusable, so the keyboard can scroll it too.
  const table = (cls, heads, rows) => h("div", { class: "table-wrap", tabindex: "0", role: "region",
    "aria-label": `Table: ${heads.filter(Boolean).join(", ")}` }, h("table", { class: "host-table " + cls },
    h("thead", {}, h("tr", {}, heads.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c, i) => h("td", { "data-label": heads[i] }, c)))))));

  function mount(root, me) {
    root.classList.add("host-panel");
    const section = (id, title) => h("section", { id, class: "host-section", "aria-label": title }, h("h2", {}, title));
    const message = h("div", { class: "error host-message", role: "alert" });
    const connBox = h("div");
    const vmBox = h("div");
    const vmResult = h("div", { class: "host-result", role: "status" });
    const devBox = h("div");
    const devResult = h("div", { class: "host-result", role: "status" });
    const moveBox = h("div");
    const sConn = section("host-connection", "Connection");
    const sVms = section("host-vms", "Virtual machines");
    const sDev = section("host-devices", "GPUs and devices");
    const sMove = section("host-move", "Move a device");
    sConn.append(connBox);
    sVms.append(vmBox, vmResult);
    sDev.append(devBox, devResult);
    sMove.append(moveBox);
    fill(root, message, sConn, sVms, sDev, sMove);

    let role = me ? me.role : "viewer";
    const canAct = () => role !== "viewer"; // viewers see everything without the buttons they may not use
    const isAdmin = () => role === "admin";
    let link = null;
    let stale = false; // the host is not connected: the lists are the last ones seen
    let vms = [];
    let gpus = [];
    let parents = []; // mdev parents that are not GPUs (e.g. the kernel's mtty sample), when the API lists them
    let gadget = null;
    let vmKey = "";
    let devKey = "";
    let timer = null;
    const jobLines = new Map(); // VM name -> its shutdown job's line, kept across re-renders
    const say = (text) => { message.textContent = text || ""; };
    const visible = () => root.isConnected && !root.closest("[hidden]");

    async function refresh() {
      if (!visible()) return; // a hidden view does not poll; the console refreshes it when it is shown
      try {
        const [v, g] = await Promise.all([PassKVM.get("/api/vms"), PassKVM.get("/api/gpus")]);
        say("");
        stale = false;
        link = v.connection;
        vms = v.vms || [];
        gpus = g.gpus || [];
        parents = g.mdevParents || [];
        gadget = g.gadget || null;
        renderConnection();
        // Re-render only on change: a re-render would reset a select or number the user is changing.
        const vk = JSON.stringify([vms, gpus.map((x) => [x.address, x.product])]);
        if (vk !== vmKey) { vmKey = vk; renderVms(); }
        const dk = JSON.stringify([gpus, parents, gadget]);
        if (dk !== devKey) { devKey = dk; renderDevices(); }
        move.update();
      } catch (e) {
        if (e.status === 401) { location.href = "/login"; return; }
        if (e.status !== 503) { say(e.message); return; }
        const health = await PassKVM.get("/api/health").catch(() => null);
        const vm = health && health.capabilities && health.capabilities.vm;
        stale = true;
        link = {
          uri: link && link.uri,
          state: vm ? vm.state : "disconnected",
          since: vm && vm.details && vm.details.since,
          detail: (vm && vm.details && vm.details.detail) || e.message,
        };
        renderConnection();
      }
    }

    // ------------------------------------------------------------------ connection
    function renderConnection() {
      const row = (term, ...value) => [h("dt", {}, term), h("dd", {}, value)];
      fill(connBox, h("dl", { class: "host-facts" },
        row("Host", link.uri ? h("code", {}, link.uri) : h("span", { class: "muted" }, "—")),
        row("State", h("b", { class: "link link-" + link.state }, link.state)),
        row("Since", link.since ? `${new Date(link.since).toLocaleString()} (${ago(link.since)})` : "—"),
        row("Detail", link.detail || "—"),
        gadget ? row("PassKVM keyboard/mouse", `USB ${gadget.usbId}: ${gadget.present ? "seen by the host" : "not seen by the host"}`,
          gadget.heldBy && gadget.heldBy.length ? ` · passed to ${gadget.heldBy.join(", ")}` : " · in no VM") : null),
        stale ? h("p", { class: "error" }, "The host is not connected: VMs and devices below are as last seen.") : null);
    }

    // ------------------------------------------------------------------ VMs
    // What a host device in a definition is, in words: the inventory knows PCI functions, VFs, mdevs and the gadget.
    function deviceNames() {
      const names = new Map();
      for (const g of gpus.concat(parents)) {
        for (const m of g.groupMembers || []) names.set(m.address, m.product || m.name);
        for (const vf of (g.sriov && g.sriov.vfs) || []) names.set(vf.address, `VF of ${g.product || g.label || g.address}`);
        for (const t of g.mdevTypes || g.types || []) {
          for (const i of t.instances || []) names.set(i.uuid, `${t.name || t.id} on ${g.product || g.label || g.id}`);
        }
      }
      if (gadget) names.set(gadget.usbId, "PassKVM keyboard/mouse");
      return names;
    }

    function renderVms() {
      const names = deviceNames();
      const rows = vms.map((vm) => {
        const path = encodeURIComponent(vm.name);
        const power = (action, label) => h("button", {
          type: "button",
          onclick: () => {
            jobLines.delete(vm.name); // a new action: the last shutdown's outcome is old news
            act(vmResult, `${label} ${vm.name}`, () => PassKVM.post(`/api/vms/${path}/${action}`));
          },
        }, label);
        const buttons = vm.active
          ? [h("button", { type: "button", onclick: () => shutdown(vm.name) }, "Shut down"),
            power("force-off", "Force off"), power("reboot", "Reboot"), power("reset", "Reset")]
          : [power("start", "Start")];
        const display = h("select", { "aria-label": `display of ${vm.name}` },
          DISPLAY_MODES.map((m) => h("option", { value: m, selected: m === vm.displayMode }, m)),
          vm.displayMode === "other" ? h("option", { value: "other", selected: true, disabled: true }, "other") : null);
        const setDisplay = h("button", {
          type: "button",
          onclick: () => preview(vmResult, `Display of ${vm.name}: ${display.value}`, (dryRun) =>
            PassKVM.put(`/api/vms/${path}/display`, { mode: display.value, dryRun })),
        }, "Change…");
        const devices = (vm.hostDevices || []).map((d) => h("li", {}, h("code", {}, `${d.type} ${d.source}`),
          names.has(d.source) ? h("span", { class: "muted" }, ` ${names.get(d.source)}`) : null));
        return [
          [h("b", { class: "vm-name" }, vm.name), vm.title ? h("div", { class: "muted" }, vm.title) : null],
          h("span", { class: "state state-" + vm.state }, vm.state),
          `${vm.vcpus} vCPU · ${gib(vm.memoryMiB)}`,
          devices.length ? h("ul", { class: "plain devices" }, devices) : h("span", { class: "muted" }, "—"),
          canAct() ? h("div", { class: "inline" }, display, setDisplay) : vm.displayMode,
          [canAct() ? h("div", { class: "buttons" }, buttons) : null, jobLines.get(vm.name) || null],
        ];
      });
      fill(vmBox, rows.length
        ? table("vms", ["VM", "State", "Size", "Host devices", "Display", "Power"], rows)
        : h("p", { class: "muted" }, "The host has no VMs."));
    }

    async function shutdown(name) {
      say("");
      try {
        const res = await PassKVM.post(`/api/vms/${encodeURIComponent(name)}/shutdown`, {});
        const line = h("div", { class: "job" });
        jobLines.set(name, line);
        vmKey = "";
        renderVms();
        followJob(res.job, line, name);
      } catch (e) {
        fill(vmResult, h("p", { class: "error" }, refusal(`Shut down ${name}`, e)));
      }
    }

    // Polls a job once a second into `line`; a guest that ignores the request gets a "Force off" offer.
    function followJob(job, line, vmName) {
      const started = Date.now();
      const bar = h("progress", { "aria-label": "job in progress" });
      const text = h("span");
      fill(line, bar, text);
      const poll = async () => {
        let s;
        try {
          s = await PassKVM.get(`/api/vm-jobs/${encodeURIComponent(job.id)}`);
        } catch (e) {
          fill(line, h("span", { class: "error" }, refusal(`${job.kind} ${job.vm}`, e)));
          return;
        }
        const secs = Math.round((Date.now() - started) / 1000);
        text.textContent = ` ${s.kind} ${s.vm}: ${s.state}${s.state === "running" ? ` · ${secs} s` : ""} — ${s.message || ""}`;
        if (s.state === "running") {
          setTimeout(poll, 1000);
          return;
        }
        bar.remove();
        line.classList.add(s.state === "done" ? "ok" : "error");
        const target = vmName || s.vm;
        if (s.offer === "force-off" && target && canAct()) {
          line.append(" ", h("button", {
            type: "button",
            onclick: () => act(line, `Force off ${target}`, () => PassKVM.post(`/api/vms/${encodeURIComponent(target)}/force-off`)),
          }, `Force off ${target}`));
        }
        vmKey = "";
        refresh();
      };
      poll();
    }

    async function act(box, label, fn) {
      say("");
      try {
        await fn();
        fill(box, h("p", { class: "ok" }, `${label}: done`));
      } catch (e) {
        fill(box, h("p", { class: "error" }, refusal(label, e)));
      }
      vmKey = "";
      devKey = "";
      await refresh();
    }

    // ------------------------------------------------------------------ GPUs and devices
    function renderDevices() {
      const cards = gpus.map(deviceCard).concat(parents.map(parentCard));
      fill(devBox, cards.length ? h("div", { class: "devices-list" }, cards)
        : h("p", { class: "muted" }, "No GPUs or other passthrough devices found on the host."));
    }

    function release(label, id, body) {
      return h("button", {
        type: "button",
        onclick: () => preview(devResult, label, (dryRun, more) =>
          PassKVM.post(`/api/gpus/${encodeURIComponent(id)}/release`, Object.assign({}, body, more, { dryRun }))),
      }, "Release…");
    }

    function deviceCard(g) {
      const name = g.product || g.id;
      const kind = g.kind === "pci" ? "PCI device" : g.kind === "gpu" ? "GPU" : null;
      const group = table("group", ["Address", "Device", "Class", "Driver", "Held by"], (g.groupMembers || []).map((m) => [
        h("code", {}, m.address),
        [m.product || m.name || "", m.bridge ? h("div", { class: "muted" }, "bridge: stays with the host") : null],
        m.classCode || "", m.driver || h("span", { class: "muted" }, "none"), m.bridge ? "—" : holder(m.heldBy)]));
      const parts = [h("div", { class: "part" }, h("h4", {}, `IOMMU group ${g.iommuGroup ?? "?"}`), group)];
      if (g.sriov) parts.push(sriovPart(g, name));
      if (g.mdevTypes && g.mdevTypes.length) parts.push(mdevPart(g.id, name, g.mdevTypes));
      return h("article", { class: "device", "aria-label": name },
        h("header", {},
          h("h3", {}, name, kind ? h("span", { class: "badge" }, kind) : null),
          h("div", { class: "meta" }, [g.vendor, h("code", {}, g.address), `driver ${g.driver || "none"}`,
            `can move as: ${(g.methods || []).map((m) => METHODS[m] || m).join(", ") || "—"}`]
            .filter(Boolean).flatMap((x, i) => (i ? [" · ", x] : [x])),
          " · ", g.heldBy ? ["held by ", holder(g.heldBy)] : holder(null)),
          canAct() && g.heldBy ? release(`Release ${name} from ${g.heldBy}`, g.id, {}) : null),
        h("div", { class: "parts" }, parts));
    }

    function sriovPart(g, name) {
      const s = g.sriov;
      const rows = s.vfs.map((vf) => [h("code", {}, vf.address), vf.driver || h("span", { class: "muted" }, "none"),
        holder(vf.heldBy),
        canAct() && vf.heldBy ? release(`Release VF ${vf.address} from ${vf.heldBy}`, g.id, { vf: vf.address }) : null]);
      return h("div", { class: "part" }, h("h4", {}, `SR-IOV: ${s.currentVfs} of ${s.maxVfs ?? "?"} VFs enabled`),
        rows.length ? table("vfs", ["VF", "Driver", "Held by", ""], rows) : h("p", { class: "muted" }, "No VFs enabled."),
        isAdmin() ? vfCount(g, name) : null);
    }

    // Admin only: every VF is removed and made again, so the host's own words on what would happen come first.
    function vfCount(g, name) {
      const s = g.sriov;
      const count = h("input", { type: "number", min: "0", max: s.maxVfs == null ? null : String(s.maxVfs),
        value: String(s.currentVfs), "aria-label": `number of VFs of ${name}` });
      const step = h("div", { class: "confirm", role: "status" });
      const put = (confirm) => PassKVM.put(`/api/gpus/${encodeURIComponent(g.id)}/sriov`, { numvfs: Number(count.value), confirm });
      const done = (r) => {
        fill(step, h("p", { class: "ok" }, r.before === r.after ? `${r.pf} already has ${r.after} VFs.`
          : `${r.pf}: ${r.before} → ${r.after} VFs.`));
        devKey = "";
        refresh();
      };
      const ask = async () => {
        fill(step);
        if (!/^\d+$/.test(count.value)) { fill(step, h("p", { class: "error" }, "The VF count is a whole number.")); return; }
        try {
          done(await put(false));
        } catch (e) {
          if (e.status === 400 && /confirm/.test(e.message)) {
            fill(step, h("p", {}, e.message.replace(/^confirm: true is required: /, "This is ")),
              h("div", { class: "buttons" },
                h("button", {
                  type: "button",
                  class: "danger",
                  onclick: async () => {
                    try { done(await put(true)); } catch (e2) { fill(step, h("p", { class: "error" }, refusal(`VFs of ${name}`, e2))); }
                  },
                }, `Confirm: ${count.value} VFs`),
                h("button", { type: "button", onclick: () => fill(step) }, "Cancel")));
          } else {
            fill(step, h("p", { class: "error" }, refusal(`VFs of ${name}`, e)));
          }
        }
      };
      return h("div", { class: "vf-count" },
        h("label", { class: "field" }, h("span", {}, "VF count (admin)"), count),
        h("button", { type: "button", onclick: ask }, "Set VF count…"), step);
    }

    function mdevPart(id, name, types) {
      const rows = types.map((t) => [
        h("code", {}, t.id), t.name || "", t.deviceApi || "", String(t.availableInstances ?? "?"),
        t.instances && t.instances.length ? h("ul", { class: "plain" }, t.instances.map((i) => h("li", {},
          h("code", { title: i.uuid }, short(i.uuid)), " in ", holder(i.heldBy), i.created ? h("span", { class: "muted" }, " · made by PassKVM") : null,
          canAct() && i.heldBy ? [" ", release(`Release mediated device ${i.uuid} from ${i.heldBy}`, id, { mdev: i.uuid })] : null)))
          : h("span", { class: "muted" }, "none")]);
      return h("div", { class: "part" }, h("h4", {}, "Mediated device types"),
        table("mdevs", ["Type", "Name", "API", "Available", "Instances"], rows));
    }

    function parentCard(p) {
      const name = p.label || p.id;
      return h("article", { class: "device", "aria-label": name },
        h("header", {}, h("h3", {}, name, h("span", { class: "badge" }, "mediated-device parent")),
          h("div", { class: "meta" }, h("code", {}, p.id), " · can move as: mediated device")),
        h("div", { class: "parts" }, mdevPart(p.id, name, p.types || [])));
    }

    // ------------------------------------------------------------------ Move
    // Built once; update() refreshes the choices and keeps what the user picked, so the 5 s refresh loses nothing.
    const move = (() => {
      const device = h("select", { id: "move-device" });
      const method = h("select", { id: "move-method" });
      const vf = h("select", { id: "move-vf" });
      const type = h("select", { id: "move-type" });
      const target = h("select", { id: "move-vm" });
      const usb = h("input", { type: "checkbox", id: "move-usb", checked: true });
      const primary = h("input", { type: "checkbox", id: "move-primary", checked: true });
      const shutdownHolder = h("input", { type: "checkbox", id: "move-shutdown" });
      const force = h("input", { type: "checkbox", id: "move-force" });
      const field = (label, control) => h("label", { class: "field" }, h("span", {}, label), control);
      const check = (control, label) => h("label", { class: "check" }, control, h("span", {}, label));
      const vfField = field("Virtual function", vf);
      const typeField = field("Mediated device type", type);
      const primaryCheck = check(primary, "Primary display (replaces the VM's emulated one)");
      const forceCheck = check(force, "Force it off if it ignores the request");
      const previewBox = h("div", { class: "host-preview" });
      const result = h("div", { class: "host-result", role: "status", id: "move-result" });
      const form = h("form", { class: "move-form", onsubmit: (e) => { e.preventDefault(); run(); } },
        h("div", { class: "fields" }, field("Device", device), field("Method", method), vfField, typeField, field("To VM", target)),
        h("div", { class: "checks" }, check(usb, "PassKVM keyboard/mouse move too"), primaryCheck,
          check(shutdownHolder, "Shut down a running holder first"), forceCheck),
        h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, "Preview move")));
      let built = false;
      let choicesKey = "";

      const devices = () => gpus.map((g) => ({ id: g.id, label: `${g.product || g.id} (${g.address})`, methods: g.methods || ["whole"],
        vfs: (g.sriov && g.sriov.vfs) || [], types: g.mdevTypes || [], group: g.kind === "pci" ? "PCI devices" : "GPUs" }))
        .concat(parents.map((p) => ({ id: p.id, label: p.label || p.id, methods: ["mdev"], vfs: [], types: p.types || [],
          group: "Mediated-device parents" })));
      const chosen = () => devices().find((d) => d.id === device.value);

      // Replaces a select's options, keeping its value when it is still offered.
      function options(select, list) {
        const keep = select.value;
        fill(select, list);
        if ([...select.options].some((o) => o.value === keep && !o.disabled)) select.value = keep;
      }

      function update() {
        if (!canAct()) {
          fill(moveBox, h("p", { class: "muted" }, "Viewers see the host read-only: moving a device needs an operator."));
          return;
        }
        if (!built) { fill(moveBox, form, previewBox, result); built = true; }
        // Only when the choices changed: refilling a select closes its list under the user's pointer.
        const key = JSON.stringify([devices(), vms.map((v) => [v.name, v.state])]);
        if (key === choicesKey) return;
        choicesKey = key;
        const groups = new Map();
        for (const d of devices()) {
          if (!groups.has(d.group)) groups.set(d.group, []);
          groups.get(d.group).push(h("option", { value: d.id }, d.label));
        }
        options(device, [...groups].map(([label, opts]) => h("optgroup", { label }, opts)));
        options(target, vms.map((v) => h("option", { value: v.name }, `${v.name} (${v.state})`)));
        showFor();
      }

      // The choices that depend on the device and method.
      function showFor() {
        const d = chosen();
        options(method, (d ? d.methods : []).map((m) => h("option", { value: m }, METHODS[m] || m)));
        options(vf, [h("option", { value: "" }, "first free VF")].concat((d ? d.vfs : []).map((v) =>
          h("option", { value: v.address }, `${v.address} (${v.heldBy ? "in " + v.heldBy : "free"})`))));
        options(type, (d ? d.types : []).map((t) => h("option", { value: t.id }, `${t.id} (${t.availableInstances ?? "?"} available)`)));
        vfField.hidden = method.value !== "vf";
        typeField.hidden = method.value !== "mdev";
        primaryCheck.hidden = method.value !== "whole";
        force.disabled = !shutdownHolder.checked;
        forceCheck.classList.toggle("muted", force.disabled);
      }
      // A preview shows one exact request: any change to the form withdraws it.
      form.addEventListener("change", () => { showFor(); fill(previewBox); });

      function body() {
        const b = { vm: target.value, method: method.value, usb: usb.checked };
        if (method.value === "whole") b.primary = primary.checked;
        if (method.value === "vf" && vf.value) b.vf = vf.value;
        if (method.value === "mdev") b.mdevType = type.value;
        return b;
      }

      function run() {
        const d = chosen();
        if (!d || !target.value) { fill(result, h("p", { class: "error" }, "Pick a device and a VM.")); return; }
        fill(result);
        const b = body();
        preview(previewBox, `Move ${d.label} to ${b.vm}`, (dryRun, more) =>
          PassKVM.post(`/api/gpus/${encodeURIComponent(d.id)}/assign`, Object.assign({}, b, more, { dryRun })),
        { shutdownHolder: shutdownHolder.checked, force: force.checked, result });
      }

      return { update };
    })();

    // ------------------------------------------------------------------ plans
    /**
     * Dry run first: the plan with the diff of every VM that changes, then Apply. With `opts` (the Move form) the form
     * says whether a running holder is shut down first; without, the preview offers it when a running VM is in the way.
     */
    async function preview(box, title, request, opts) {
      const out = (opts && opts.result) || box;
      say("");
      let plan;
      try {
        plan = (await request(true, {})).plan;
      } catch (e) {
        fill(box);
        fill(out, h("p", { class: "error" }, refusal(title, e)));
        return;
      }
      const blockers = plan.blockers || [];
      const view = h("div", { class: "preview", "aria-label": "preview" },
        h("div", { class: "preview-title" }, h("span", { class: "muted" }, "Preview · nothing changed yet"), h("b", {}, plan.summary)));
      if (!plan.changes.length) view.append(h("p", { class: "muted" }, "Nothing to change."));
      for (const c of plan.changes) {
        view.append(h("details", { open: true, class: "change" },
          h("summary", {}, h("b", {}, c.vm), ` (${c.state})${c.releases ? " gives up a device" : ""}`), diffView(c.diff)));
      }
      const list = (label, items) => (items.length ? h("div", {}, h("h4", {}, label), h("ul", {}, items.map((i) => h("li", {}, i)))) : null);
      view.append(...[
        list("Mediated devices", (plan.mdevs || []).map((m) => `${m.action} ${m.uuid} (${m.type} on ${m.parent})`)),
        list("Plugged now", (plan.hotplugs || []).map((p) => `${p.action} ${p.device}: ${p.vm}`)),
        list("Notes", plan.notes || []),
      ].filter(Boolean));

      const finish = async (more) => {
        try {
          const res = await request(false, more);
          fill(box);
          if (res.job) {
            const line = h("div", { class: "job" });
            fill(out, h("p", {}, h("b", {}, res.plan ? res.plan.summary : title)), line);
            followJob(res.job, line, null);
          } else {
            fill(out, h("p", { class: "ok" }, res.applied ? `Applied: ${res.plan.summary}` : `Nothing changed: ${res.plan.summary}`));
          }
        } catch (e) {
          fill(out, h("p", { class: "error" }, refusal(title, e)));
        }
        vmKey = "";
        devKey = "";
        refresh();
      };
      const cancel = h("button", { type: "button", onclick: () => fill(box) }, "Cancel");
      const buttons = h("div", { class: "buttons" });
      if (blockers.length && opts) {
        const who = blockers.join(", ");
        view.append(h("p", { class: "error" }, opts.shutdownHolder
          ? `${who} is running and loses a device: it is asked to shut down first${opts.force ? ", and forced off if it does not" : ""}.`
          : `${who} is running and would lose a device: Apply will be refused unless "Shut down a running holder first" is ticked.`));
        buttons.append(h("button", { type: "button", class: "primary", onclick: () => finish({ shutdownHolder: opts.shutdownHolder, force: opts.force }) },
          opts.shutdownHolder ? `Shut down ${who} and apply` : "Apply"));
      } else if (blockers.length) {
        const who = blockers.join(", ");
        const force = h("input", { type: "checkbox" });
        view.append(h("p", { class: "error" }, `${who} is running and must shut down first.`));
        buttons.append(h("button", { type: "button", class: "primary", onclick: () => finish({ shutdownHolder: true, force: force.checked }) },
          `Shut down ${who} and apply`), h("label", { class: "check" }, force, h("span", {}, "force off if it does not shut down in time")));
      } else if (plan.changes.length) {
        buttons.append(h("button", { type: "button", class: "primary", onclick: () => finish({}) }, "Apply"));
      }
      buttons.append(cancel);
      view.append(buttons);
      if (out !== box) fill(out);
      fill(box, view);
      view.scrollIntoView({ block: "nearest" });
    }

    const start = (m) => {
      if (m) role = m.role;
      vmKey = "";
      devKey = "";
      refresh();
    };
    if (me) start(me);
    else PassKVM.get("/api/auth/me").then(start).catch(() => start(null));
    timer = setInterval(refresh, 5000);
    return {
      refresh,
      unmount() { clearInterval(timer); fill(root); },
    };
  }

  return { mount };
})();
