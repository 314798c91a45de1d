"use strict";
// Paste as keystrokes, special keys and an on-screen keyboard. Two widgets, each mounted into an element:
//   PassKVMPaste.mount(el)  a "Paste…" button and its dialog (text, layout, speed, progress, abort)
//   PassKVMKeys.mount(el)   a "Keys" menu (Ctrl+Alt+Del, PrintScreen/SysRq, Win, Alt+Tab, F1–F12) and the
//                           on-screen keyboard, labelled in the paste layout
// They talk only to the REST API through PassKVM (api.js): /api/hid/paste, /api/hid/layouts, /api/hid/shortcut.
const PassKVMLayouts = (() => {
  let list = null;
  const legends = {};
  let chosen = localStorage.getItem("passkvm.layout") || "";
  return {
    async list() {
      if (!list) list = await PassKVM.get("/api/hid/layouts");
      if (!chosen) chosen = list.default;
      return list;
    },
    chosen: () => chosen,
    choose(name) { chosen = name; localStorage.setItem("passkvm.layout", name); document.dispatchEvent(new Event("passkvm-layout")); },
    async legend(name) {
      if (!legends[name]) legends[name] = (await PassKVM.get(`/api/hid/layouts/${encodeURIComponent(name)}`)).keys;
      return legends[name];
    },
  };
})();

(() => {
  if (document.getElementById("passkvm-keys-style")) return;
  const css = document.createElement("style");
  css.id = "passkvm-keys-style";
  css.textContent = `
    .pk-dialog { background: #1d2024; color: var(--fg, #e8e8e8); border: 1px solid #3a3f45; border-radius: 8px; padding: 16px; width: min(640px, 95vw); }
    .pk-dialog::backdrop { background: rgba(0,0,0,.5); }
    .pk-dialog textarea { width: 100%; min-height: 160px; background: #0f1113; color: inherit; border: 1px solid #3a3f45; border-radius: 4px; padding: 6px; font: 13px/1.4 ui-monospace, monospace; }
    .pk-row { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
    .pk-row select, .pk-row input[type=number] { background: #0f1113; color: inherit; border: 1px solid #3a3f45; border-radius: 4px; padding: 4px; width: auto; }
    .pk-row progress { flex: 1; min-width: 120px; }
    .pk-status { color: var(--muted, #9aa0a6); font-size: 12px; min-height: 1.4em; }
    .pk-error { color: var(--bad, #ff6b6b); font-size: 12px; min-height: 1.4em; white-space: pre-wrap; }
    .pk-menu { position: relative; display: inline-block; }
    .pk-menu-list { position: absolute; z-index: 10; top: 100%; right: 0; display: none; flex-direction: column; gap: 2px; background: #1d2024; border: 1px solid #3a3f45; border-radius: 6px; padding: 6px; min-width: 220px; }
    .pk-menu.open .pk-menu-list { display: flex; }
    .pk-fkeys { display: grid; grid-template-columns: repeat(6, 1fr); gap: 2px; }
    .pk-osk { position: fixed; left: 50%; bottom: 30px; transform: translateX(-50%); z-index: 9; background: #1d2024ee; border: 1px solid #3a3f45; border-radius: 8px; padding: 8px; display: none; user-select: none; }
    .pk-osk.open { display: block; }
    .pk-osk-row { display: flex; gap: 3px; margin: 3px 0; }
    .pk-osk button { min-width: 38px; height: 38px; padding: 2px 4px; font-size: 13px; position: relative; }
    .pk-osk button small { position: absolute; top: 1px; left: 3px; font-size: 10px; color: var(--muted, #9aa0a6); }
    .pk-osk button.latched { border-color: var(--accent, #4f9cff); background: #25406a; }
  `;
  document.head.appendChild(css);
})();

const PassKVMPaste = (() => {
  function el(tag, props, ...children) {
    const e = Object.assign(document.createElement(tag), props || {});
    children.forEach((c) => e.append(c));
    return e;
  }

  function mount(host) {
    const open = el("button", { type: "button", textContent: "Paste…", title: "Type text into the target as keystrokes" });
    const text = el("textarea", { placeholder: "Text to type on the target (newlines become Enter, tabs Tab)", spellcheck: false });
    const layout = el("select", { title: "The keyboard layout the target's OS is set to" });
    const delay = el("input", { type: "number", min: 0, step: 1, title: "Wait after each keystroke, in milliseconds" });
    const skip = el("input", { type: "checkbox", title: "Type the rest when the layout cannot type some characters" });
    const start = el("button", { type: "button", textContent: "Type it" });
    const abort = el("button", { type: "button", textContent: "Abort", disabled: true });
    const close = el("button", { type: "button", textContent: "Close" });
    const bar = el("progress", { max: 1, value: 0 });
    const status = el("div", { className: "pk-status", role: "status" });
    const error = el("div", { className: "pk-error", role: "alert" });
    const dialog = el("dialog", { className: "pk-dialog", ariaLabel: "Paste as keystrokes" },
      el("h3", { textContent: "Paste as keystrokes" }),
      text,
      el("div", { className: "pk-row" },
        el("label", {}, "Layout ", layout),
        el("label", {}, "Delay ", delay, " ms"),
        el("label", {}, skip, " skip untypable")),
      el("div", { className: "pk-row" }, start, abort, bar, close),
      status, error);
    document.body.append(dialog);
    host.append(open);

    let timer = null;
    const show = (p) => {
      bar.max = Math.max(1, p.total);
      bar.value = p.typed;
      const skipped = p.skipped && p.skipped.length ? ` · skipped ${p.skipped.map((s) => `'${s.character}' ${s.codePoint}`).join(", ")}` : "";
      status.textContent = p.state === "idle" ? "" : `${p.state}: ${p.typed} of ${p.total} characters in ${p.layout}${skipped}`;
      const typing = p.state === "typing";
      abort.disabled = !typing;
      start.disabled = typing;
      if (!typing && timer) { clearInterval(timer); timer = null; }
    };
    const poll = async () => {
      try { show(await PassKVM.get("/api/hid/paste")); } catch (e) { error.textContent = e.message; }
    };

    open.addEventListener("click", async () => {
      error.textContent = "";
      try {
        const list = await PassKVMLayouts.list();
        layout.replaceChildren(...list.layouts.map((l) => el("option", { value: l.name, textContent: l.title })));
        layout.value = PassKVMLayouts.chosen();
        delay.min = list.minDelayMs; delay.max = list.maxDelayMs;
        if (!delay.value) delay.value = localStorage.getItem("passkvm.pasteDelay") || list.defaultDelayMs;
        await poll();
        if (start.disabled && !timer) timer = setInterval(poll, 250); // a paste started elsewhere is still typing
      } catch (e) { error.textContent = e.message; }
      dialog.showModal();
      text.focus();
    });
    layout.addEventListener("change", () => PassKVMLayouts.choose(layout.value));
    delay.addEventListener("change", () => localStorage.setItem("passkvm.pasteDelay", delay.value));
    start.addEventListener("click", async () => {
      error.textContent = "";
      try {
        const p = await PassKVM.post("/api/hid/paste", {
          text: text.value, layout: layout.value, delayMs: Number(delay.value), skipUntypable: skip.checked,
        });
        show(p);
        if (!timer) timer = setInterval(poll, 250);
      } catch (e) { error.textContent = e.message; }
    });
    abort.addEventListener("click", async () => {
      try { show(await PassKVM.del("/api/hid/paste")); } catch (e) { error.textContent = e.message; }
    });
    close.addEventListener("click", () => dialog.close());
    return { open: () => open.click() };
  }

  return { mount };
})();

const PassKVMKeys = (() => {
  const MODIFIERS = ["ShiftLeft", "ShiftRight", "ControlLeft", "ControlRight", "AltLeft", "AltRight", "MetaLeft", "MetaRight"];
  // The PC keyboard by physical key (W3C codes); [code, width in keys, fixed label].
  const ROWS = [
    [["Escape", 1, "Esc"], ["F1"], ["F2"], ["F3"], ["F4"], ["F5"], ["F6"], ["F7"], ["F8"], ["F9"], ["F10"], ["F11"], ["F12"], ["PrintScreen", 1, "PrtSc"], ["ScrollLock", 1, "ScrLk"], ["Pause"]],
    [["Backquote"], ["Digit1"], ["Digit2"], ["Digit3"], ["Digit4"], ["Digit5"], ["Digit6"], ["Digit7"], ["Digit8"], ["Digit9"], ["Digit0"], ["Minus"], ["Equal"], ["IntlYen"], ["Backspace", 2, "⌫"], ["Insert", 1, "Ins"], ["Home"], ["PageUp", 1, "PgUp"]],
    [["Tab", 1.5, "Tab"], ["KeyQ"], ["KeyW"], ["KeyE"], ["KeyR"], ["KeyT"], ["KeyY"], ["KeyU"], ["KeyI"], ["KeyO"], ["KeyP"], ["BracketLeft"], ["BracketRight"], ["Backslash", 1.5], ["Delete", 1, "Del"], ["End"], ["PageDown", 1, "PgDn"]],
    [["CapsLock", 1.8, "Caps"], ["KeyA"], ["KeyS"], ["KeyD"], ["KeyF"], ["KeyG"], ["KeyH"], ["KeyJ"], ["KeyK"], ["KeyL"], ["Semicolon"], ["Quote"], ["IntlHash"], ["Enter", 1.8, "Enter"]],
    [["ShiftLeft", 1.3, "Shift"], ["IntlBackslash"], ["KeyZ"], ["KeyX"], ["KeyC"], ["KeyV"], ["KeyB"], ["KeyN"], ["KeyM"], ["Comma"], ["Period"], ["Slash"], ["IntlRo"], ["ShiftRight", 2, "Shift"], ["ArrowUp", 1, "↑"]],
    [["ControlLeft", 1.4, "Ctrl"], ["MetaLeft", 1.2, "Win"], ["AltLeft", 1.2, "Alt"], ["Space", 6, " "], ["AltRight", 1.2, "AltGr"], ["ContextMenu", 1.2, "Menu"], ["ControlRight", 1.4, "Ctrl"], ["ArrowLeft", 1, "←"], ["ArrowDown", 1, "↓"], ["ArrowRight", 1, "→"]],
  ];
  const SHORTCUTS = [
    ["Ctrl+Alt+Del", ["ControlLeft", "AltLeft", "Delete"]],
    ["PrintScreen", ["PrintScreen"]],
    ["Alt+PrintScreen (SysRq)", ["AltLeft", "PrintScreen"]],
    ["Win", ["MetaLeft"]],
    ["Alt+Tab", ["AltLeft", "Tab"]],
    ["Alt+F4", ["AltLeft", "F4"]],
    ["Ctrl+Alt+Backspace", ["ControlLeft", "AltLeft", "Backspace"]],
  ];

  const shortcut = (keys) => PassKVM.post("/api/hid/shortcut", { keys });

  function el(tag, props, ...children) {
    const e = Object.assign(document.createElement(tag), props || {});
    children.forEach((c) => e.append(c));
    return e;
  }

  function keyboard(report) {
    const osk = el("div", { className: "pk-osk", role: "group", ariaLabel: "On-screen keyboard" });
    const latched = new Set();
    const buttons = {};
    ROWS.forEach((row) => {
      const line = el("div", { className: "pk-osk-row" });
      row.forEach(([code, width, label]) => {
        const b = el("button", { type: "button", title: code });
        b.dataset.code = code;
        b.dataset.label = label || "";
        b.style.minWidth = `${38 * (width || 1)}px`;
        b.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus (and typing) on the screen
        b.addEventListener("click", async () => {
          if (MODIFIERS.includes(code)) {
            latched.has(code) ? latched.delete(code) : latched.add(code);
            b.classList.toggle("latched", latched.has(code));
            return;
          }
          const keys = [...latched, code];
          latched.clear();
          osk.querySelectorAll(".latched").forEach((x) => x.classList.remove("latched"));
          try { await shortcut(keys); report(""); } catch (e) { report(e.message); }
        });
        buttons[code] = b;
        line.append(b);
      });
      osk.append(line);
    });
    async function label() {
      let legend = {};
      try { await PassKVMLayouts.list(); legend = await PassKVMLayouts.legend(PassKVMLayouts.chosen()); } catch (e) { report(e.message); }
      Object.values(buttons).forEach((b) => {
        const levels = legend[b.dataset.code];
        if (b.dataset.label || !levels) {
          b.textContent = b.dataset.label || (levels ? levels[0] : b.dataset.code.replace(/^(Key|Digit)/, ""));
          return;
        }
        b.replaceChildren(el("small", { textContent: levels[1] !== levels[0].toUpperCase() ? levels[1] : "" }), levels[0].toUpperCase());
        b.title = `${b.dataset.code}: ${levels.filter((x) => x).join(" ")}`;
      });
      // Keys a layout does not have (IntlYen, IntlRo off JIS) are hidden, not left blank.
      // ANSI layouts have Backslash above Enter, ISO ones IntlHash beside it.
      ["IntlYen", "IntlRo", "IntlHash", "IntlBackslash", "Backslash"].forEach((c) => { buttons[c].hidden = !legend[c]; });
    }
    document.addEventListener("passkvm-layout", label);
    label();
    return osk;
  }

  function mount(host) {
    const error = el("span", { className: "error", role: "alert" });
    const report = (m) => { error.textContent = m; };
    const menu = el("div", { className: "pk-menu" });
    const toggle = el("button", { type: "button", textContent: "Keys ▾", ariaHasPopup: "menu" });
    const list = el("div", { className: "pk-menu-list", role: "menu" });
    SHORTCUTS.forEach(([label, keys]) => {
      const b = el("button", { type: "button", textContent: label, role: "menuitem" });
      b.addEventListener("click", async () => {
        menu.classList.remove("open");
        try { await shortcut(keys); report(""); } catch (e) { report(e.message); }
      });
      list.append(b);
    });
    const fkeys = el("div", { className: "pk-fkeys" });
    for (let i = 1; i <= 12; i++) {
      const b = el("button", { type: "button", textContent: `F${i}`, role: "menuitem" });
      b.addEventListener("click", async () => {
        try { await shortcut([`F${i}`]); report(""); } catch (e) { report(e.message); }
      });
      fkeys.append(b);
    }
    const osk = keyboard(report);
    const oskToggle = el("button", { type: "button", textContent: "On-screen keyboard", role: "menuitem" });
    oskToggle.addEventListener("click", () => { osk.classList.toggle("open"); menu.classList.remove("open"); });
    const release = el("button", { type: "button", textContent: "Release all keys", role: "menuitem" });
    release.addEventListener("click", async () => {
      menu.classList.remove("open");
      try { await PassKVM.post("/api/hid/reset"); report(""); } catch (e) { report(e.message); }
    });
    list.append(fkeys, oskToggle, release);
    toggle.addEventListener("click", () => menu.classList.toggle("open"));
    document.addEventListener("click", (e) => { if (!menu.contains(e.target)) menu.classList.remove("open"); });
    menu.append(toggle, list);
    host.append(menu, error);
    document.body.append(osk);
    return { toggleKeyboard: () => osk.classList.toggle("open") };
  }

  return { mount };
})();
