"use strict";
// Paste as keystrokes, special keys and an on-screen keyboard. The console (console.js) mounts them into index.html:
//   PassKVMPaste.mount(dialog, pasteButton)            the paste dialog (text, layout, speed, progress, abort)
//   PassKVMKeys.mount(menu, keysButton, osk, oskButton) the special-keys menu (Ctrl+Alt+Del, PrintScreen/SysRq, Win,
//                                                      Alt+Tab, F1–F12) and the on-screen keyboard, labelled in the
//                                                      paste layout
// Given only a container (mount(el)), each makes its own button and elements inside it.
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


const PassKVMPaste = (() => {
  const el = PassKVM.h;

  /** Mounts into the console's dialog element and Paste button, or, given one container, into elements of its own. */
  function mount(dialogEl, openButton) {
    let dialog = dialogEl;
    let open = openButton;
    if (!open) {
      open = el("button", { type: "button", textContent: "Paste…", title: "Type text into the target as keystrokes" });
      dialogEl.append(open);
      dialog = el("div", { className: "dialog", role: "dialog", ariaLabel: "Paste text", hidden: true });
      document.body.append(dialog);
    }
    if (document.body.dataset.role === "viewer") { open.hidden = true; return {}; }
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
    dialog.classList.add("pk-paste");
    dialog.replaceChildren(
      el("h3", { textContent: "Paste as keystrokes" }),
      text,
      el("div", { className: "pk-row" },
        el("label", {}, "Layout ", layout),
        el("label", {}, "Delay ", delay, " ms"),
        el("label", {}, skip, " skip untypable")),
      el("div", { className: "pk-row" }, start, abort, bar, close),
      status, error);

    let timer = null;
    const show = (p) => {
      bar.max = Math.max(1, p.total);
      bar.value = p.typed;
      const skipped = p.skipped && p.skipped.length ? ` · skipped ${p.skipped.map((x) => `'${x.character}' ${x.codePoint}`).join(", ")}` : "";
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
      if (!dialog.hidden) { dialog.hidden = true; return; }
      error.textContent = "";
      dialog.hidden = false;
      text.focus();
      try {
        const list = await PassKVMLayouts.list();
        layout.replaceChildren(...list.layouts.map((l) => el("option", { value: l.name, textContent: l.title })));
        layout.value = PassKVMLayouts.chosen();
        delay.min = list.minDelayMs; delay.max = list.maxDelayMs;
        if (!delay.value) delay.value = localStorage.getItem("passkvm.pasteDelay") || list.defaultDelayMs;
        await poll();
        if (start.disabled && !timer) timer = setInterval(poll, 250); // a paste started elsewhere is still typing
      } catch (e) { error.textContent = e.message; }
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
    close.addEventListener("click", () => { dialog.hidden = true; });
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

  const el = PassKVM.h;

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
        if (width) b.dataset.width = String(width); // paste.css sizes the wider keys
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

  /** Mounts into the console's menu, Keys button, keyboard element and Keyboard button, or into one container. */
  function mount(menuEl, keysButton, oskEl, oskButton) {
    let menu = menuEl;
    let toggle = keysButton;
    let osk = oskEl;
    let oskToggle = oskButton;
    if (!toggle) {
      const host = menuEl;
      toggle = el("button", { type: "button", textContent: "Keys ▾", ariaHasPopup: "menu" });
      oskToggle = el("button", { type: "button", textContent: "Keyboard" });
      menu = el("div", { className: "menu", role: "menu", hidden: true });
      osk = el("div", { className: "osk", hidden: true });
      host.append(toggle, oskToggle, menu);
      document.body.append(osk);
    }
    if (document.body.dataset.role === "viewer") { toggle.hidden = true; oskToggle.hidden = true; return {}; }
    const error = el("span", { className: "pk-error", role: "alert" });
    const report = (m) => { error.textContent = m; };
    const item = (label, action) => {
      const b = el("button", { type: "button", textContent: label, role: "menuitem" });
      b.addEventListener("click", async () => {
        try { await action(); report(""); } catch (e) { report(e.message); }
      });
      return b;
    };
    const fkeys = el("div", { className: "pk-fkeys" });
    for (let i = 1; i <= 12; i++) fkeys.append(item(`F${i}`, () => shortcut([`F${i}`])));
    menu.replaceChildren(
      ...SHORTCUTS.map(([label, keys]) => item(label, () => { menu.hidden = true; return shortcut(keys); })),
      fkeys,
      item("Release all keys", () => { menu.hidden = true; return PassKVM.post("/api/hid/reset"); }),
      error);
    const setOpen = (open) => {
      // Under its button, wherever the toolbar put it (the view tabs come first; the toolbar may wrap).
      if (open) { const r = toggle.getBoundingClientRect(); menu.style.left = `${r.left}px`; menu.style.top = `${r.bottom + 4}px`; }
      menu.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
    };
    toggle.addEventListener("click", (e) => { e.stopPropagation(); setOpen(menu.hidden); });
    document.addEventListener("click", (e) => { if (!menu.hidden && !menu.contains(e.target)) setOpen(false); });

    const oskError = el("span", { className: "pk-error", role: "alert" });
    osk.replaceChildren(keyboard((m) => { oskError.textContent = m; }), oskError);
    oskToggle.addEventListener("click", () => {
      osk.hidden = !osk.hidden;
      oskToggle.setAttribute("aria-pressed", String(!osk.hidden));
    });
    return { toggleKeyboard: () => oskToggle.click() };
  }

  return { mount };
})();
