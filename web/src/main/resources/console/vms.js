"use strict";
// The VM panel: the passthrough host's VMs and GPUs, power buttons, and every definition change
// shown as a diff before it is applied. Mount it with PassKVMVms.mount(element).
// Builds the DOM with createElement/textContent only: VM names and XML never become markup.
const PassKVMVms = (() => {
  const h = PassKVM.h;

  // Like replaceChildren, but takes arrays and skips null/false, as h() does.
  function fill(el, ...children) {
    el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  }

  function diffView(text) {
    const pre = h("pre", { class: "diff" });
    for (const line of text.split("\n")) {
      const cls = line.startsWith("+++") || line.startsWith("---") ? "" : line.startsWith("+") ? "add"
        : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "";
      pre.append(h("span", { class: cls }, line + "\n"));
    }
    return pre;
  }

  function mount(root) {
    root.classList.add("vms-panel");
    const status = h("div", { class: "vms-link" });
    const message = h("div", { class: "error", role: "alert" });
    const vmBox = h("div");
    const gpuBox = h("div");
    const previewBox = h("div");
    fill(root, status, message, previewBox, h("h2", {}, "Virtual machines"), vmBox,
      h("h2", {}, "GPUs"), gpuBox);

    let vms = [];
    let timer = null;
    let busy = false; // no refresh while a preview waits for the user
    let lastKey = "";
    let canAct = true; // viewers see the panel without the buttons they may not use

    const say = (text) => { message.textContent = text || ""; };

    async function refresh() {
      if (busy) return;
      try {
        const [v, g] = await Promise.all([PassKVM.get("/api/vms"), PassKVM.get("/api/gpus")]);
        // Re-render only on change: a re-render would reset a form the user is filling in.
        const key = JSON.stringify([v, g]);
        if (key === lastKey) return;
        lastKey = key;
        vms = v.vms;
        showLink(v.connection);
        renderVms();
        renderGpus(g.gpus, g.gadget);
      } catch (e) {
        lastKey = "";
        if (e.status === 503) {
          const health = await PassKVM.get("/api/health").catch(() => null);
          const vm = health && health.capabilities && health.capabilities.vm;
          showLink(vm ? { state: vm.state, detail: vm.details && vm.details.detail } : { state: "disconnected", detail: e.message });
        } else {
          say(e.message);
        }
      }
    }

    function showLink(c) {
      fill(status, "VM host: ", h("b", { class: "link-" + c.state }, c.state),
        c.uri ? h("span", { class: "muted" }, " · " + c.uri) : null,
        c.state !== "connected" && c.detail ? h("span", { class: "muted" }, " · " + c.detail) : null);
    }

    async function act(label, fn) {
      say("");
      try {
        await fn();
      } catch (e) {
        say(`${label}: ${e.message}`);
      }
      await refresh();
    }

    function renderVms() {
      const rows = vms.map((vm) => {
        const name = encodeURIComponent(vm.name);
        const power = (path, label) => h("button", {
          type: "button",
          onclick: () => act(`${label} ${vm.name}`, () => PassKVM.post(`/api/vms/${name}/${path}`)),
        }, label);
        const buttons = vm.active
          ? [h("button", { type: "button", onclick: () => shutdown(vm) }, "Shut down"),
            power("force-off", "Force off"), power("reboot", "Reboot"), power("reset", "Reset")]
          : [power("start", "Start")];
        const display = h("select", { "aria-label": `display of ${vm.name}` },
          ["none", "virtio", "virtio-gl", "qxl-spice"].map((m) => h("option", { value: m, selected: m === vm.displayMode }, m)),
          vm.displayMode === "other" ? h("option", { value: "other", selected: true, disabled: true }, "other") : null);
        const setDisplay = h("button", {
          type: "button",
          onclick: () => preview(`Display of ${vm.name}: ${display.value}`, (dryRun) =>
            PassKVM.put(`/api/vms/${name}/display`, { mode: display.value, dryRun })),
        }, "Change…");
        const devices = vm.hostDevices.map((d) => `${d.type} ${d.source}`).join(", ") || "—";
        return h("tr", {},
          h("td", {}, h("b", {}, vm.name), vm.title ? h("div", { class: "muted" }, vm.title) : null),
          h("td", { class: "state-" + vm.state }, vm.state),
          h("td", {}, `${vm.vcpus} vCPU · ${Math.round(vm.memoryMiB / 1024 * 10) / 10} GiB`),
          h("td", {}, devices),
          h("td", {}, canAct ? [display, setDisplay] : vm.displayMode),
          h("td", {}, canAct ? buttons : null));
      });
      fill(vmBox, h("table", {},
        h("thead", {}, h("tr", {}, ["VM", "State", "Size", "Host devices", "Display", "Power"].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)));
    }

    async function shutdown(vm) {
      say("");
      try {
        const res = await PassKVM.post(`/api/vms/${encodeURIComponent(vm.name)}/shutdown`, {});
        followJob(res.job, vm.name);
      } catch (e) {
        say(`Shut down ${vm.name}: ${e.message}`);
      }
    }

    // Polls a job; a guest that ignores the request gets a "Force off" offer.
    function followJob(job, vmName) {
      const line = h("div", { class: "muted" }, job.message || "working…");
      fill(previewBox, line);
      const poll = async () => {
        let s;
        try {
          s = await PassKVM.get(`/api/vm-jobs/${job.id}`);
        } catch (e) {
          line.textContent = e.message;
          return;
        }
        line.textContent = `${s.kind} ${s.vm}: ${s.state} — ${s.message || ""}`;
        if (s.state === "running") {
          setTimeout(poll, 1000);
          return;
        }
        if (s.offer === "force-off" && vmName) {
          line.append(" ", h("button", {
            type: "button",
            onclick: () => act(`Force off ${vmName}`, async () => {
              await PassKVM.post(`/api/vms/${encodeURIComponent(vmName)}/force-off`);
              fill(previewBox);
            }),
          }, `Force off ${vmName}`));
        }
        refresh();
      };
      poll();
    }

    function renderGpus(gpus, gadget) {
      const options = () => vms.map((v) => h("option", { value: v.name }, `${v.name} (${v.state})`));
      const cards = gpus.map((g) => {
        const members = g.groupMembers.map((m) => h("li", {},
          `${m.address} ${m.product || ""} · ${m.driver || "no driver"}${m.bridge ? " · bridge (stays with the host)" : ""}`,
          m.heldBy ? h("span", { class: "muted" }, ` · in ${m.heldBy}`) : null));
        const sriov = g.sriov ? h("div", {}, `SR-IOV: ${g.sriov.currentVfs} of ${g.sriov.maxVfs ?? "?"} VFs enabled`,
          h("ul", {}, g.sriov.vfs.map((vf) => h("li", {}, `${vf.address} · ${vf.driver || "no driver"}`,
            h("span", { class: "muted" }, vf.heldBy ? ` · in ${vf.heldBy}` : " · free"))))) : null;
        const mdev = g.mdevTypes.length ? h("div", {}, "Mediated devices:",
          h("ul", {}, g.mdevTypes.map((t) => h("li", {}, `${t.id} (${t.name || ""}) · ${t.availableInstances} available`,
            t.instances.length ? h("span", { class: "muted" }, " · " + t.instances.map((i) => `${i.uuid.slice(0, 8)}… in ${i.heldBy || "none"}`).join(", ")) : null)))) : null;

        const target = h("select", { "aria-label": "VM to give the GPU to" }, options());
        const method = h("select", { "aria-label": "passthrough method" }, g.methods.map((m) => h("option", { value: m },
          { whole: "whole device", vf: "SR-IOV VF", mdev: "mediated device" }[m])));
        const vf = h("select", { "aria-label": "virtual function" }, h("option", { value: "" }, "first free VF"),
          (g.sriov ? g.sriov.vfs : []).map((v) => h("option", { value: v.address }, v.address)));
        const type = h("select", { "aria-label": "mediated device type" },
          g.mdevTypes.map((t) => h("option", { value: t.id }, t.id)));
        const primary = h("input", { type: "checkbox", checked: true });
        const usb = h("input", { type: "checkbox", checked: true });
        const extra = h("span");
        const showExtra = () => fill(extra,
          method.value === "whole" ? h("label", {}, "primary display", primary) : null,
          method.value === "vf" ? vf : null,
          method.value === "mdev" ? type : null);
        method.addEventListener("change", showExtra);
        showExtra();
        const move = h("button", {
          type: "button",
          onclick: () => {
            const body = { vm: target.value, method: method.value, usb: usb.checked };
            if (method.value === "whole") body.primary = primary.checked;
            if (method.value === "vf" && vf.value) body.vf = vf.value;
            if (method.value === "mdev") body.mdevType = type.value;
            preview(`${g.product} → ${target.value}`, (dryRun, more) =>
              PassKVM.post(`/api/gpus/${encodeURIComponent(g.id)}/assign`, Object.assign({}, body, more, { dryRun })));
          },
        }, "Preview move…");
        const release = h("button", {
          type: "button",
          disabled: !g.heldBy,
          onclick: () => preview(`Release ${g.product}`, (dryRun, more) =>
            PassKVM.post(`/api/gpus/${encodeURIComponent(g.id)}/release`, Object.assign({}, more, { dryRun }))),
        }, "Release…");
        return h("div", { class: "gpu" },
          h("div", {}, h("b", {}, g.product || g.id), ` · ${g.vendor || ""} · ${g.address} · driver ${g.driver || "none"}`,
            h("span", { class: "muted" }, g.heldBy ? ` · held by ${g.heldBy}` : " · free")),
          h("div", {}, `IOMMU group ${g.iommuGroup ?? "?"}:`, h("ul", {}, members)),
          sriov, mdev,
          canAct ? h("div", {}, "Move to ", target, " as ", method, " ", extra,
            h("label", {}, "with PassKVM keyboard/mouse", usb), move, release) : null);
      });
      const gadgetLine = h("div", { class: "muted" },
        `PassKVM keyboard/mouse (${gadget.usbId}): ${gadget.present ? "seen by the host" : "not seen by the host"}`,
        gadget.heldBy.length ? ` · passed to ${gadget.heldBy.join(", ")}` : "");
      fill(gpuBox, gadgetLine, cards.length ? cards : h("div", { class: "muted" }, "No GPUs found on the host."));
    }

    // Dry run first: the diffs of every VM that changes, then Apply (or shut the holder down first).
    async function preview(title, request) {
      say("");
      let plan;
      try {
        plan = (await request(true, {})).plan;
      } catch (e) {
        say(`${title}: ${e.message}`);
        return;
      }
      busy = true;
      const close = () => { busy = false; fill(previewBox); refresh(); };
      const box = h("div", { class: "preview" }, h("b", {}, plan.summary));
      if (!plan.changes.length) box.append(h("div", { class: "muted" }, "Nothing to change."));
      for (const c of plan.changes) {
        box.append(h("div", {}, `${c.vm} (${c.state})${c.releases ? " gives up a device" : ""}:`), diffView(c.diff));
      }
      for (const n of plan.notes) box.append(h("div", { class: "muted" }, n));
      const force = h("input", { type: "checkbox" });
      const apply = async (more) => {
        try {
          const res = await request(false, more);
          if (res.job) {
            busy = false;
            followJob(res.job, null);
          } else {
            close();
          }
        } catch (e) {
          say(`${title}: ${e.message}`);
        }
      };
      if (plan.blockers.length) {
        box.append(h("div", { class: "error" }, `${plan.blockers.join(", ")} is running and must shut down first.`),
          h("button", { type: "button", onclick: () => apply({ shutdownHolder: true, force: force.checked }) },
            `Shut down ${plan.blockers.join(", ")} and apply`),
          h("label", {}, "force off if it does not shut down in time", force));
      } else if (plan.changes.length) {
        box.append(h("button", { type: "button", onclick: () => apply({}) }, "Apply"));
      }
      box.append(h("button", { type: "button", onclick: close }, "Cancel"));
      fill(previewBox, box);
    }

    PassKVM.get("/api/auth/me").then((me) => {
      canAct = me.role !== "viewer";
      lastKey = "";
      refresh();
    }).catch(() => refresh());
    timer = setInterval(refresh, 5000);
    return {
      refresh,
      unmount() { clearInterval(timer); fill(root); },
    };
  }

  return { mount };
})();
