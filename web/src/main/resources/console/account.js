"use strict";
// The account panel: own password, second factor and API tokens; for admins, users and the audit log.
const PassKVMAccount = (() => {
  const h = PassKVM.h;
  const note = (el, text, bad) => { el.textContent = text; el.className = bad ? "error" : "muted"; };

  function passwordForm() {
    const msg = h("p", { class: "muted", role: "status" });
    const cur = h("input", { type: "password", autocomplete: "current-password", "aria-label": "Current password" });
    const next = h("input", { type: "password", autocomplete: "new-password", minlength: "8", "aria-label": "New password" });
    const form = h("form", { onsubmit: async (e) => {
      e.preventDefault();
      try {
        await PassKVM.post("/api/auth/password", { currentPassword: cur.value, newPassword: next.value });
        cur.value = next.value = "";
        note(msg, "Password changed.");
      } catch (err) { note(msg, err.message, true); }
    } }, h("h3", {}, "Password"), h("label", {}, "Current ", cur), h("label", {}, "New ", next),
      h("button", { type: "submit" }, "Change password"), msg);
    return form;
  }

  function totpForm(me) {
    const msg = h("p", { class: "muted", role: "status" });
    const box = h("div", {});
    const render = (enabled) => {
      box.replaceChildren();
      if (enabled) {
        box.append(h("p", {}, "Two-factor login is on."), h("button", { type: "button", onclick: async () => {
          try { await PassKVM.del("/api/auth/totp"); render(false); note(msg, "Two-factor login is off."); } catch (err) { note(msg, err.message, true); }
        } }, "Turn off"));
        return;
      }
      box.append(h("button", { type: "button", onclick: async () => {
        try {
          const t = await PassKVM.post("/api/auth/totp");
          const code = h("input", { inputmode: "numeric", pattern: "\\d{6}", "aria-label": "Code from the app" });
          box.replaceChildren(
            h("p", {}, "Add this secret to an authenticator app, then enter the code it shows:"),
            h("code", { class: "secret" }, t.secret), h("p", { class: "muted small" }, t.uri),
            h("label", {}, "Code ", code),
            h("button", { type: "button", onclick: async () => {
              try { await PassKVM.post("/api/auth/totp/confirm", { code: code.value }); render(true); note(msg, "Two-factor login is on."); }
              catch (err) { note(msg, err.message, true); }
            } }, "Confirm"));
        } catch (err) { note(msg, err.message, true); }
      } }, "Turn on two-factor login"));
    };
    render(me.totp);
    return h("div", {}, h("h3", {}, "Two-factor login"), box, msg);
  }

  function tokens() {
    const msg = h("p", { class: "muted", role: "status" });
    const list = h("ul", { class: "plain" });
    const label = h("input", { "aria-label": "Token label", placeholder: "label, e.g. home assistant" });
    const load = async () => {
      const all = await PassKVM.get("/api/auth/tokens");
      list.replaceChildren(...all.map((t) => h("li", {}, `${t.label} (${t.id}) `,
        h("button", { type: "button", onclick: async () => { await PassKVM.del(`/api/auth/tokens/${t.id}`); load(); } }, "Revoke"))));
    };
    const form = h("form", { onsubmit: async (e) => {
      e.preventDefault();
      try {
        const t = await PassKVM.post("/api/auth/tokens", { label: label.value });
        note(msg, `New token (shown once): ${t.token}`);
        label.value = "";
        load();
      } catch (err) { note(msg, err.message, true); }
    } }, label, h("button", { type: "submit" }, "Create token"));
    load().catch((err) => note(msg, err.message, true));
    return h("div", {}, h("h3", {}, "API tokens"), list, form, msg);
  }

  // VNC authentication has no user name and keys DES with the password: each user gets a generated VNC password of
  // their own, shown once here. Viewers get a picture-only login.
  function vncAccess() {
    const msg = h("p", { class: "muted", role: "status" });
    const state = h("p", { class: "muted" });
    const secret = h("code", { class: "secret" });
    const disable = h("button", { type: "button", hidden: true, onclick: async () => {
      try { show(await PassKVM.del("/api/vnc/credentials")); } catch (err) { note(msg, err.message, true); }
    } }, "Turn off");
    const show = (r) => {
      state.textContent = r.enabled ? `VNC is on for ${r.user} (port ${r.port}).` : `VNC is off for ${r.user}.`;
      disable.hidden = !r.enabled;
      secret.textContent = r.password ? `VNC password (shown once): ${r.password}` : "";
    };
    const enable = h("button", { type: "button", onclick: async () => {
      try { show(await PassKVM.post("/api/vnc/credentials")); } catch (err) { note(msg, err.message, true); }
    } }, "New VNC password");
    PassKVM.get("/api/vnc/credentials").then(show, (err) => note(msg, err.message, true));
    return h("div", { "data-capability": "vnc" }, h("h3", {}, "VNC"), state, enable, " ", disable, h("br"), secret, msg);
  }

  function users() {
    const msg = h("p", { class: "muted", role: "status" });
    const table = h("table", { class: "grid" });
    const name = h("input", { "aria-label": "New user name", placeholder: "name" });
    const pass = h("input", { type: "password", "aria-label": "New user password", placeholder: "password", autocomplete: "new-password" });
    const role = h("select", { "aria-label": "New user role" }, ["viewer", "operator", "admin"].map((r) => h("option", { value: r }, r)));
    const load = async () => {
      const all = await PassKVM.get("/api/users");
      table.replaceChildren(h("tr", {}, h("th", {}, "User"), h("th", {}, "Role"), h("th", {}, "")),
        ...all.map((u) => {
          const sel = h("select", { "aria-label": `Role of ${u.name}`, onchange: async () => {
            try { await PassKVM.patch(`/api/users/${u.name}`, { role: sel.value }); note(msg, `${u.name} is now ${sel.value}.`); }
            catch (err) { note(msg, err.message, true); load(); }
          } }, ["viewer", "operator", "admin"].map((r) => h("option", { value: r }, r)));
          sel.value = u.role;
          return h("tr", {}, h("td", {}, u.name), h("td", {}, sel), h("td", {}, h("button", { type: "button", onclick: async () => {
            if (!confirm(`Delete user ${u.name}?`)) return;
            try { await PassKVM.del(`/api/users/${u.name}`); load(); } catch (err) { note(msg, err.message, true); }
          } }, "Delete")));
        }));
    };
    const form = h("form", { onsubmit: async (e) => {
      e.preventDefault();
      try {
        await PassKVM.post("/api/users", { name: name.value, role: role.value, password: pass.value });
        note(msg, `User ${name.value} created.`);
        name.value = pass.value = "";
        load();
      } catch (err) { note(msg, err.message, true); }
    } }, name, pass, role, h("button", { type: "submit" }, "Add user"));
    load().catch((err) => note(msg, err.message, true));
    return h("div", {}, h("h3", {}, "Users"), table, form, msg);
  }

  function audit() {
    const list = h("ol", { class: "plain small audit" });
    const details = h("details", { ontoggle: async () => {
      if (!details.open) return;
      const entries = await PassKVM.get("/api/audit?limit=50");
      list.replaceChildren(...entries.reverse().map((e) => h("li", {}, `${e.time} ${e.user} ${e.action} ${e.target} → ${e.status}`)));
    } }, h("summary", {}, "Audit log"), list);
    return details;
  }

  return {
    mount(el, me) {
      el.append(passwordForm(), totpForm(me), tokens(), vncAccess());
      if (me.role === "admin") el.append(users(), audit());
    },
  };
})();
