"use strict";
// Touch screens: gestures on the picture and a key bar that raises the phone's own keyboard. console.js mounts them:
//   PassKVMTouch.attach(screen, input, picture)  tap = left click at that point, long press = right click, one finger
//                                                moves the pointer, two-finger drag = wheel, pinch = zoom the picture
//                                                (its box is transformed, so the console's mapping of a point to the
//                                                target's pixel still holds when zoomed)
//   PassKVMTouch.mountBar(osk, input)            the key bar at the top of the on-screen keyboard: a text field for
//                                                the phone's keyboard, latching Ctrl/Alt/Meta, Esc, Tab, arrows,
//                                                F-keys and Ctrl+Alt+Del
// `input` is console.js's PassKVMInput: key, tap, moveTo, button, wheel.
const PassKVMTouch = (() => {
  const LONG_PRESS_MS = 550;
  const SLOP_PX = 10; // a finger that moved less than this still taps
  const PINCH_PX = 24; // two fingers that moved apart or together this much zoom; otherwise they scroll
  const WHEEL_STEP_PX = 30; // finger travel per wheel notch
  const MAX_ZOOM = 5;

  const centre = (a, b) => ({ x: (a.clientX + b.clientX) / 2, y: (a.clientY + b.clientY) / 2 });
  const apart = (a, b) => Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);

  function attach(screen, input, picture) {
    let zoom = { z: 1, x: 0, y: 0 };
    let g = null; // the gesture under way

    function applyZoom() {
      const el = picture();
      if (!el) return;
      el.style.transformOrigin = "0 0";
      el.style.transform = zoom.z === 1 ? "" : `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.z})`;
      screen.classList.toggle("zoomed", zoom.z !== 1);
    }
    function resetZoom() { zoom = { z: 1, x: 0, y: 0 }; applyZoom(); }

    const click = (button, x, y) => { input.moveTo(x, y); input.button(button, true); input.button(button, false); };

    screen.addEventListener("touchstart", (e) => {
      e.preventDefault(); // no emulated mouse events, no page zoom or scroll
      const t = e.touches;
      if (g) clearTimeout(g.timer);
      if (t.length === 1) {
        const x = t[0].clientX, y = t[0].clientY;
        g = { mode: "pending", x, y, timer: setTimeout(() => {
          if (g && g.mode === "pending") { g.mode = "done"; click(1, x, y); }
        }, LONG_PRESS_MS) };
      } else if (t.length === 2) {
        const el = picture();
        const r = el ? el.getBoundingClientRect() : { left: 0, top: 0 };
        const c = centre(t[0], t[1]);
        g = { mode: "two", kind: null, d0: apart(t[0], t[1]), c0: c, last: c, wheelX: 0, wheelY: 0,
          // The picture's untransformed corner, and the picture point under the fingers when they landed.
          left: r.left - zoom.x, top: r.top - zoom.y, z0: zoom.z,
          px: (c.x - r.left) / zoom.z, py: (c.y - r.top) / zoom.z };
      } else {
        g = { mode: "done" };
      }
    }, { passive: false });

    screen.addEventListener("touchmove", (e) => {
      e.preventDefault();
      if (!g) return;
      const t = e.touches;
      if (g.mode === "pending" || g.mode === "move") {
        if (t.length !== 1) return;
        if (g.mode === "pending" && Math.hypot(t[0].clientX - g.x, t[0].clientY - g.y) < SLOP_PX) return;
        clearTimeout(g.timer);
        g.mode = "move";
        input.moveTo(t[0].clientX, t[0].clientY);
      } else if (g.mode === "two" && t.length === 2) {
        const c = centre(t[0], t[1]);
        const d = apart(t[0], t[1]);
        if (!g.kind) {
          if (Math.abs(d - g.d0) > PINCH_PX) g.kind = "pinch";
          else if (Math.hypot(c.x - g.c0.x, c.y - g.c0.y) > SLOP_PX) g.kind = "wheel";
          else return;
        }
        if (g.kind === "pinch") pinch(c, d);
        else scroll(c);
      }
    }, { passive: false });

    // The picture point that was under the fingers stays under them; the zoomed picture always covers its box.
    function pinch(c, d) {
      const el = picture();
      if (!el) return;
      const w = el.offsetWidth, h = el.offsetHeight;
      let z = Math.min(MAX_ZOOM, Math.max(1, g.z0 * d / g.d0));
      if (z < 1.05) z = 1;
      const x = Math.min(0, Math.max(w - w * z, c.x - g.left - g.px * z));
      const y = Math.min(0, Math.max(h - h * z, c.y - g.top - g.py * z));
      zoom = { z, x: z === 1 ? 0 : x, y: z === 1 ? 0 : y };
      applyZoom();
    }

    // Fingers moving up scroll the page down, as on the phone itself: one wheel notch per WHEEL_STEP_PX.
    function scroll(c) {
      g.wheelX += c.x - g.last.x;
      g.wheelY += c.y - g.last.y;
      g.last = c;
      while (Math.abs(g.wheelY) >= WHEEL_STEP_PX) {
        const s = Math.sign(g.wheelY);
        input.wheel(s, 0);
        g.wheelY -= s * WHEEL_STEP_PX;
      }
      while (Math.abs(g.wheelX) >= WHEEL_STEP_PX) {
        const s = Math.sign(g.wheelX);
        input.wheel(0, -s);
        g.wheelX -= s * WHEEL_STEP_PX;
      }
    }

    const end = (e) => {
      e.preventDefault();
      if (!g) return;
      if (e.touches.length) { if (g.mode !== "two") { clearTimeout(g.timer); g.mode = "done"; } return; }
      clearTimeout(g.timer);
      if (g.mode === "pending") click(0, g.x, g.y);
      g = null;
    };
    screen.addEventListener("touchend", end, { passive: false });
    screen.addEventListener("touchcancel", (e) => { if (g) clearTimeout(g.timer); g = null; e.preventDefault(); }, { passive: false });

    // A new width (rotation, the panels opening) makes the old zoom meaningless; the status bar wrapping anew does not.
    let areaWidth = 0;
    new ResizeObserver(([entry]) => {
      const w = Math.round(entry.contentRect.width);
      if (w !== areaWidth) { areaWidth = w; resetZoom(); }
    }).observe(screen.parentElement);
    return { resetZoom, zoom: () => ({ ...zoom }) };
  }

  // ------------------------------------------------------------------ the key bar
  const el = (tag, props, ...kids) => PassKVM.h(tag, props, ...kids);
  const MODIFIERS = [["ControlLeft", "Ctrl"], ["AltLeft", "Alt"], ["MetaLeft", "Meta"], ["ShiftLeft", "Shift"]];
  const KEYS = [["Escape", "Esc"], ["Tab", "Tab"], ["ArrowLeft", "←", "Left"], ["ArrowUp", "↑", "Up"], ["ArrowDown", "↓", "Down"],
    ["ArrowRight", "→", "Right"], ["Backspace", "⌫", "Backspace"], ["Enter", "⏎", "Enter"]];
  // What the phone's keyboard sends as keys rather than text.
  const NAMED = { Backspace: "Backspace", Enter: "Enter", Tab: "Tab", Escape: "Escape", Delete: "Delete",
    ArrowLeft: "ArrowLeft", ArrowRight: "ArrowRight", ArrowUp: "ArrowUp", ArrowDown: "ArrowDown", Home: "Home", End: "End" };

  function mountBar(osk, input) {
    const latched = new Set();
    const modButtons = [];
    const error = el("span", { className: "pk-error", role: "alert" });
    const press = (code) => {
      input.tap([...latched, code]);
      latched.clear();
      modButtons.forEach((b) => b.setAttribute("aria-pressed", "false"));
    };
    const key = (code, label, name) => {
      const b = el("button", { type: "button", textContent: label, title: name || label, ariaLabel: name || label });
      b.addEventListener("mousedown", (e) => e.preventDefault()); // the text field keeps focus: the phone keyboard stays
      b.addEventListener("click", () => press(code));
      return b;
    };

    // Characters through the layout the target uses: the key (and Shift/AltGr) that types each; dead keys and
    // characters without a key go through the paste job, which knows how.
    let legend = {};
    const loadLegend = async () => {
      try { await PassKVMLayouts.list(); legend = await PassKVMLayouts.legend(PassKVMLayouts.chosen()); } catch (e) { error.textContent = e.message; }
    };
    document.addEventListener("passkvm-layout", loadLegend);
    loadLegend();
    const LEVEL_KEYS = [[], ["ShiftLeft"], ["AltRight"], ["ShiftLeft", "AltRight"]];
    function strokeOf(ch) {
      if (ch === " ") return ["Space"];
      if (ch === "\n") return ["Enter"];
      for (let level = 0; level < 4; level++) {
        for (const [code, levels] of Object.entries(legend)) if (levels[level] === ch) return [...LEVEL_KEYS[level], code];
      }
      return null;
    }
    async function typeText(text) {
      error.textContent = "";
      for (const ch of text) {
        const stroke = strokeOf(ch);
        if (stroke) { input.tap([...latched, ...stroke]); continue; }
        try {
          await PassKVM.post("/api/hid/paste", { text: ch, layout: PassKVMLayouts.chosen() });
        } catch (e) { error.textContent = `${ch}: ${e.message}`; }
      }
      if (latched.size) { latched.clear(); modButtons.forEach((b) => b.setAttribute("aria-pressed", "false")); }
    }

    const field = el("input", { className: "pk-type", type: "text", placeholder: "Type here…",
      ariaLabel: "Type on the target with this device's keyboard", autocomplete: "off", spellcheck: false });
    field.setAttribute("autocapitalize", "off");
    field.setAttribute("autocorrect", "off");
    field.setAttribute("enterkeyhint", "send");
    field.addEventListener("keydown", (e) => {
      const code = NAMED[e.key];
      if (!code || e.isComposing) return;
      e.preventDefault();
      press(code);
    });
    // Text arrives as input (what phone keyboards send; their key events say "Unidentified"); it is typed and cleared.
    field.addEventListener("input", () => {
      const text = field.value;
      field.value = "";
      if (text) typeText(text);
    });

    const mods = MODIFIERS.map(([code, label]) => {
      const b = el("button", { type: "button", textContent: label, title: `${label}: held for the next key`, ariaPressed: "false" });
      b.addEventListener("mousedown", (e) => e.preventDefault());
      b.addEventListener("click", () => {
        latched.has(code) ? latched.delete(code) : latched.add(code);
        b.setAttribute("aria-pressed", String(latched.has(code)));
      });
      modButtons.push(b);
      return b;
    });
    const fRow = el("div", { className: "pk-touch-fkeys", hidden: true, role: "group", ariaLabel: "Function keys" });
    for (let i = 1; i <= 12; i++) fRow.append(key(`F${i}`, `F${i}`));
    const fToggle = el("button", { type: "button", textContent: "F1–F12", ariaExpanded: "false" });
    fToggle.addEventListener("mousedown", (e) => e.preventDefault());
    fToggle.addEventListener("click", () => { fRow.hidden = !fRow.hidden; fToggle.setAttribute("aria-expanded", String(!fRow.hidden)); });
    const cad = el("button", { type: "button", textContent: "Ctrl+Alt+Del" });
    cad.addEventListener("mousedown", (e) => e.preventDefault());
    cad.addEventListener("click", () => input.tap(["ControlLeft", "AltLeft", "Delete"]));
    const all = el("button", { type: "button", textContent: "All keys", ariaPressed: "false", title: "The whole on-screen keyboard" });
    all.addEventListener("click", () => { osk.classList.toggle("full"); all.setAttribute("aria-pressed", String(osk.classList.contains("full"))); });

    const bar = el("div", { className: "pk-touchbar", role: "group", ariaLabel: "Keys for touch screens" },
      field, ...mods, ...KEYS.map(([code, label, name]) => key(code, label, name)), fToggle, cad, all, error);
    osk.prepend(bar, fRow);
    return { focus: () => field.focus({ preventScroll: true }), type: typeText };
  }

  return { attach, mountBar };
})();
