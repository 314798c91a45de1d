"use strict";
// The passthrough doctor (GET /api/host/checks): the VM host's checks grouped by status, each with why, the fix and
// the evidence (the commands run and what they printed). Admins review a file fix's diff and apply it after an
// explicit confirmation. Renders into <section id="host-doctor"> (the Host view's).
// Usage: PassKVMDoctor.mount(element, me); mounts itself once the page is up.
const PassKVMDoctor = (() => {
  const h = PassKVM.h;
  const GROUPS = [
    ["fail", "Failing"], ["warn", "Warnings"], ["unknown", "Unknown"], ["pass", "Passing"], ["not-applicable", "Not applicable"],
  ];
  const KINDS = {
    "kernel-cmdline": "Kernel command line", file: "File change", command: "Command", package: "Package to install",
    firmware: "Firmware setup", hardware: "Hardware",
  };

  function mount(el, me) {
    const admin = me && me.role === "admin";
    const status = h("span", { class: "doctor-status", "aria-live": "polite" });
    const rerun = h("button", { type: "button", onclick: () => survey() }, "Re-run checks");
    const body = h("div", { class: "doctor-body" });
    el.replaceChildren(h("h2", {}, "Passthrough doctor"),
      h("p", { class: "muted" }, "A read-only survey of the VM host's GPU passthrough set-up, over the libvirt link's SSH identity."),
      h("div", { class: "doctor-bar" }, rerun, status), body);
    el.classList.add("doctor-panel");
    el.hidden = false;

    async function survey() {
      rerun.disabled = true;
      status.textContent = "Surveying the host…";
      status.className = "doctor-status";
      try {
        const r = await PassKVM.call("GET", "/api/host/checks");
        render(r);
        const c = r.counts;
        status.textContent = `${c.fail} failing, ${c.warn} warnings, ${c.unknown} unknown, ${c.pass} passing — `
          + `${r.host === "recorded" ? "recorded host" : "checked"} ${new Date(r.checkedAt).toLocaleTimeString()} in ${(r.millis / 1000).toFixed(1)} s`;
      } catch (err) {
        status.textContent = err.message;
        status.className = "doctor-status error";
      } finally {
        rerun.disabled = false;
      }
    }

    function render(r) {
      body.replaceChildren();
      for (const [st, label] of GROUPS) {
        const checks = r.checks.filter((c) => c.status === st);
        if (!checks.length) continue;
        body.append(h("h3", { class: `doctor-group st-${st}` }, `${label} (${checks.length})`),
          ...checks.map((c) => check(c)));
      }
    }

    function check(c) {
      const open = c.status === "fail" || c.status === "warn";
      const d = h("details", { class: `doctor-check st-${c.status}`, open, "data-check": c.id },
        h("summary", {}, h("span", { class: `doctor-badge st-${c.status}` }, c.status), " ", c.title),
        h("p", { class: "doctor-why" }, c.why));
      if (c.fix) d.append(fix(c));
      d.append(h("details", { class: "doctor-evidence" }, h("summary", {}, "Evidence"),
        h("code", {}, c.evidence.command), h("pre", {}, c.evidence.output || "(no output)")));
      return d;
    }

    function fix(c) {
      const f = c.fix;
      const box = h("div", { class: "doctor-fix" },
        h("div", {}, h("b", {}, `${KINDS[f.kind] || f.kind}: `), f.summary),
        h("ol", {}, f.steps.map((s) => h("li", {}, s.includes("\n") ? h("pre", {}, s) : s))));
      if (f.applicable && admin) {
        box.append(h("button", { type: "button", class: "doctor-review", onclick: (e) => review(c, box, e.target) },
          "Review the change…"));
      } else if (f.applicable) {
        box.append(h("p", { class: "muted" }, "An admin can apply this change from here."));
      }
      return box;
    }

    async function review(c, box, button) {
      button.disabled = true;
      box.querySelectorAll(".doctor-preview").forEach((p) => p.remove());
      const preview = h("div", { class: "doctor-preview" });
      box.append(preview);
      try {
        const plan = await PassKVM.call("GET", `/api/host/checks/${encodeURIComponent(c.id)}/fix`);
        const read = h("input", { type: "checkbox", class: "doctor-confirm" });
        const initramfs = h("input", { type: "checkbox", class: "doctor-initramfs" });
        const apply = h("button", { type: "button", class: "doctor-apply", disabled: true }, `Write ${plan.file}`);
        const result = h("div", { class: "doctor-result", "aria-live": "polite" });
        read.addEventListener("change", () => { apply.disabled = !read.checked; });
        apply.addEventListener("click", async () => {
          apply.disabled = true;
          result.textContent = initramfs.checked ? "Writing, then regenerating the initramfs (minutes)…" : "Writing…";
          try {
            const a = await PassKVM.call("POST", `/api/host/checks/${encodeURIComponent(c.id)}/fix`,
              { confirm: true, digest: plan.digest, updateInitramfs: initramfs.checked });
            result.replaceChildren(h("p", { class: "ok" }, `Written: ${a.file}. Still to do: ${a.then.join("; ")}.`),
              a.initramfs ? h("pre", {}, a.initramfs) : null);
            survey();
          } catch (err) {
            result.replaceChildren(h("p", { class: "error" }, err.message));
            apply.disabled = false;
          }
        });
        preview.append(h("div", {}, `The change to ${plan.file} on the host (written to a temporary file, then renamed over):`),
          diff(plan.diff),
          h("div", {}, "Then: ", plan.then.join("; ")),
          h("label", {}, read, " I have read this change"),
          h("label", {}, initramfs, " and run update-initramfs -u now"),
          apply, result);
      } catch (err) {
        preview.append(h("p", { class: "error" }, err.message));
      } finally {
        button.disabled = false;
      }
    }

    survey();
    return { close() {}, survey };
  }

  function diff(text) {
    return h("pre", { class: "diff" }, text.split("\n").map((l) => h("span", {
      class: l.startsWith("+++") || l.startsWith("---") ? "" : l.startsWith("+") ? "add" : l.startsWith("-") ? "del"
        : l.startsWith("@@") ? "hunk" : "",
    }, l + "\n")));
  }

  // The Host view's section.
  async function auto() {
    let me;
    try {
      me = await PassKVM.call("GET", "/api/auth/me");
    } catch (err) {
      return;
    }
    if (!me || me.role === "viewer") return;
    const el = document.getElementById("host-doctor");
    if (el) mount(el, me);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", auto);
  else auto();

  return { mount };
})();
