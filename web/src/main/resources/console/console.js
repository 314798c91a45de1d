"use strict";
// The console: shows the target's screen, forwards keyboard and mouse over one WebSocket, and
// hosts the panels (power, media, account) that other scripts mount into the drawer, and the Host view (#host).
(() => {
  const $ = (id) => document.getElementById(id);
  const screen = $("screen");
  const showError = (text) => { $("st-error").textContent = text || ""; };
  window.PassKVMConsole = { showError };

  // ---------------------------------------------------------------- input channel
  let ws = null;
  let mouseMode = "absolute";
  const enc = new TextEncoder();
  let recorder = null; // macros.js records what is sent while set
  const held = new Set();

  function connectInput() {
    ws = PassKVM.socket("/api/hid/ws", {
      binaryType: "arraybuffer",
      retry: () => 1000,
      open: () => { showError(""); ping(); },
      down: () => { $("st-hid").textContent = "disconnected"; },
      message: onInputMessage,
    });
  }

  function onInputMessage(m) {
    if (typeof m.data !== "string") return;
    const msg = JSON.parse(m.data);
    if (msg.type === "status") {
      $("st-hid").textContent = msg.keyboardOnline ? `${msg.output} online` : `${msg.output} offline`;
      $("st-host").textContent = msg.hostState;
      showLeds(msg.leds);
    } else if (msg.type === "leds") {
      showLeds(msg.leds);
    } else if (msg.type === "pong") {
      $("st-latency").textContent = `${Math.round(performance.now() - msg.t)} ms RTT`;
    } else if (msg.type === "error") {
      showError(msg.message);
    }
  }

  function ping() {
    if (ws) ws.send(JSON.stringify({ type: "ping", t: performance.now() }));
  }
  setInterval(ping, 2000);

  function showLeds(leds) {
    if (!leds) return;
    // Lit or not shows as ● or ○ (style.css) and in words for screen readers, not by colour alone.
    for (const [id, on, name] of [["led-num", leds.numLock, "Num Lock"], ["led-caps", leds.capsLock, "Caps Lock"],
      ["led-scroll", leds.scrollLock, "Scroll Lock"]]) {
      $(id).classList.toggle("on", !!on);
      $(id).title = `${name} ${on ? "on" : "off"}`;
      $(id).setAttribute("aria-label", $(id).title);
    }
  }

  function send(bytes) {
    if (ws) ws.send(bytes);
  }

  // Frame 0x01: key; [0x01, down, len, code…]
  function sendKey(code, down) {
    if (!code) return;
    const c = enc.encode(code);
    const b = new Uint8Array(3 + c.length);
    b[0] = 1; b[1] = down ? 1 : 0; b[2] = c.length; b.set(c, 3);
    send(b);
    if (recorder) recorder(`${down ? "down" : "up"} ${code}`);
    if (down) held.add(code); else held.delete(code);
  }
  window.PassKVMInput = {
    key: sendKey,
    tap: (codes) => { codes.forEach((c) => sendKey(c, true)); [...codes].reverse().forEach((c) => sendKey(c, false)); },
    releaseAll: () => { held.clear(); send(new Uint8Array([6])); },
    record: (fn) => { recorder = fn; },
  };

  // Captured, the picture sends every key to the target, Tab and Esc too. A click, a tap or the console putting
  // focus there captures; reaching it with Tab does not (Tab goes on past it) until Enter. The release chord,
  // Ctrl+Alt+Shift held together (a combination targets rarely need on its own), gives the keys back to the page.
  let captured = false;
  let tabbedAt = 0;
  const RELEASE = ["Control", "Alt", "Shift"];
  const isReleaseChord = (e) => e.ctrlKey && e.altKey && e.shiftKey && RELEASE.includes(e.key);
  function capture(on) {
    if (!on && held.size) window.PassKVMInput.releaseAll();
    captured = on;
    $("st-capture").classList.toggle("on", on);
    $("st-capture").firstElementChild.textContent = on ? "to the target · Ctrl+Alt+Shift releases"
      : document.activeElement === screen ? "page · Enter captures" : "page";
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Tab") tabbedAt = performance.now(); }, true);
  screen.addEventListener("keydown", (e) => {
    if (!captured) {
      if (e.key === "Enter") { e.preventDefault(); capture(true); }
      return;
    }
    e.preventDefault();
    if (isReleaseChord(e)) { capture(false); return; }
    // Ctrl+Alt+digit runs the macro with that hotkey (if one has it) instead of reaching the target.
    if (e.ctrlKey && e.altKey && !e.shiftKey && /^Digit[1-9]$/.test(e.code) && typeof PassKVMMacros !== "undefined"
        && PassKVMMacros.hotkey(Number(e.code.slice(5)))) {
      window.PassKVMInput.releaseAll();
      return;
    }
    sendKey(e.code, true);
  });
  screen.addEventListener("keyup", (e) => { if (captured && held.has(e.code)) { e.preventDefault(); sendKey(e.code, false); } });
  screen.addEventListener("focus", () => capture(performance.now() - tabbedAt > 300));
  screen.addEventListener("blur", () => capture(false));
  capture(document.activeElement === screen);
  // While keys are held the server expects a sign of life; silence means a lost link, and it lets go.
  setInterval(() => { if (held.size) send(new Uint8Array([7])); }, 500);

  // ---------------------------------------------------------------- mouse
  const picture = () => PassKVMVideo.element() || screen;

  let lastAbsolute = null;
  // A recording keeps the pointer only where a button went down or up, not every move on the way.
  const recordButton = (b, down) => {
    if (!recorder) return;
    if (mouseMode === "absolute" && lastAbsolute) recorder(lastAbsolute);
    recorder(`${down ? "press" : "release"} ${["left", "right", "middle"][b] || "left"}`);
  };
  // Frame 0x02: absolute move; [0x02, x u16, y u16] in 0..32767 of the picture.
  function sendAbsolute(e) {
    const r = picture().getBoundingClientRect();
    if (!r.width || !r.height) return;
    const x = Math.round(Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) * 32767);
    const y = Math.round(Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)) * 32767);
    const b = new DataView(new ArrayBuffer(5));
    b.setUint8(0, 2); b.setUint16(1, x); b.setUint16(3, y);
    send(b.buffer);
    lastAbsolute = `move ${x} ${y}`;
  }
  // Frame 0x03: relative move; [0x03, dx i16, dy i16]
  function sendRelative(dx, dy) {
    const b = new DataView(new ArrayBuffer(5));
    b.setUint8(0, 3); b.setInt16(1, dx); b.setInt16(3, dy);
    send(b.buffer);
  }
  const buttonOf = (e) => ({ 0: 0, 1: 2, 2: 1, 3: 3, 4: 4 })[e.button] ?? 0;
  const locked = () => document.pointerLockElement === screen;

  screen.addEventListener("mousemove", (e) => {
    if (mouseMode === "absolute") sendAbsolute(e);
    else if (locked()) sendRelative(e.movementX, e.movementY);
  });
  screen.addEventListener("mousedown", (e) => {
    e.preventDefault();
    screen.focus();
    if (!captured) capture(true);
    if (mouseMode === "relative" && !locked()) { screen.requestPointerLock(); return; }
    if (mouseMode === "absolute") sendAbsolute(e);
    send(new Uint8Array([4, buttonOf(e), 1]));
    recordButton(buttonOf(e), true);
  });
  screen.addEventListener("mouseup", (e) => {
    e.preventDefault();
    if (mouseMode === "absolute") sendAbsolute(e);
    send(new Uint8Array([4, buttonOf(e), 0]));
    recordButton(buttonOf(e), false);
  });
  screen.addEventListener("contextmenu", (e) => e.preventDefault());
  // Frame 0x05: wheel; [0x05, wheel i8, pan i8]
  screen.addEventListener("wheel", (e) => {
    e.preventDefault();
    send(new Int8Array([5, Math.sign(-e.deltaY), Math.sign(e.deltaX)]));
    if (recorder && e.deltaY) recorder(`wheel ${Math.sign(-e.deltaY)}`);
  }, { passive: false });

  // Touch gestures (touch.js) click, scroll and point through the same frames as the mouse.
  Object.assign(window.PassKVMInput, {
    moveTo: (clientX, clientY) => sendAbsolute({ clientX, clientY }),
    button: (b, down) => { send(new Uint8Array([4, b, down ? 1 : 0])); recordButton(b, down); },
    wheel: (wheel, pan) => { send(new Int8Array([5, wheel, pan])); if (recorder && wheel) recorder(`wheel ${wheel}`); },
  });
  const touch = typeof PassKVMTouch === "undefined" ? null : PassKVMTouch.attach(screen, window.PassKVMInput, picture);

  $("btn-mouse").addEventListener("click", () => {
    mouseMode = mouseMode === "absolute" ? "relative" : "absolute";
    if (ws) ws.send(JSON.stringify({ type: "mouseMode", mode: mouseMode }));
    $("btn-mouse").textContent = `Mouse: ${mouseMode}`;
    if (mouseMode === "absolute" && locked()) document.exitPointerLock();
    screen.focus();
  });

  // ---------------------------------------------------------------- view
  $("btn-scale").addEventListener("click", () => {
    if (touch) touch.resetZoom();
    const fit = screen.classList.toggle("fit");
    screen.classList.toggle("native", !fit);
    $("btn-scale").textContent = fit ? "Fit" : "1:1";
    fitPicture();
  });
  // "Fit" fills the console's area with the picture, larger or smaller, aspect kept. The element itself takes the
  // picture's shape (no letterbox inside it) because the mouse maps onto its box. "1:1" shows source pixels.
  const area = screen.parentElement;
  function fitPicture() {
    const el = PassKVMVideo.element();
    if (!el) return;
    const s = PassKVMVideo.stats();
    if (!s.width || !s.height || !area.clientWidth || !area.clientHeight) {
      el.style.width = el.style.height = el.style.maxWidth = el.style.maxHeight = "";
      return;
    }
    if (!screen.classList.contains("fit")) {
      // The source's size, not the element's own: a canvas is 300x150 until its first frame is drawn.
      el.style.maxWidth = el.style.maxHeight = "none";
      el.style.width = `${s.width}px`;
      el.style.height = `${s.height}px`;
      return;
    }
    const scale = Math.min(area.clientWidth / s.width, area.clientHeight / s.height);
    el.style.maxWidth = el.style.maxHeight = "none";
    el.style.width = `${Math.floor(s.width * scale)}px`;
    el.style.height = `${Math.floor(s.height * scale)}px`;
  }
  new ResizeObserver(fitPicture).observe(area);
  window.PassKVMFit = fitPicture;
  $("btn-fullscreen").addEventListener("click", async () => {
    if (document.fullscreenElement) { await document.exitFullscreen(); return; }
    await document.documentElement.requestFullscreen();
    // In full screen the browser lets us take Esc, Alt+Tab, Ctrl+W… for the target (Chromium).
    if (navigator.keyboard && navigator.keyboard.lock) navigator.keyboard.lock().catch(() => {});
    screen.focus();
  });
  document.addEventListener("fullscreenchange", () => {
    $("btn-fullscreen").textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    if (!document.fullscreenElement && navigator.keyboard && navigator.keyboard.unlock) navigator.keyboard.unlock();
  });
  const showDrawer = (open) => {
    const drawer = $("drawer");
    drawer.hidden = !open;
    $("btn-panels").setAttribute("aria-expanded", String(open));
    // Keyboard users land in the panels they opened.
    if (open) [...drawer.querySelectorAll("button, a[href], input, select")].find((x) => x.offsetParent && !x.disabled)?.focus();
  };
  $("btn-panels").addEventListener("click", () => showDrawer($("drawer").hidden));
  $("drawer-close").addEventListener("click", () => { showDrawer(false); $("btn-panels").focus(); });

  // Narrow screens: the controls sit behind "☰ Menu"; a choice in it closes it (the Keys menu opens on its own).
  const toolbar = document.querySelector(".toolbar");
  const showTools = (open) => {
    toolbar.classList.toggle("open", open);
    $("btn-menu").setAttribute("aria-expanded", String(open));
  };
  $("btn-menu").addEventListener("click", (e) => {
    e.stopPropagation();
    const open = !toolbar.classList.contains("open");
    showTools(open);
    if (open) $("tools").querySelector("button:not([hidden]), a, select:not([hidden])")?.focus();
  });
  $("tools").addEventListener("click", (e) => { if (e.target.closest("button, a") && e.target.id !== "btn-keys") showTools(false); });
  document.addEventListener("click", (e) => { if (!toolbar.contains(e.target)) showTools(false); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && document.activeElement !== screen) {
      document.querySelectorAll(".menu, .dialog").forEach((m) => { m.hidden = true; });
      if (toolbar.classList.contains("open")) { showTools(false); $("btn-menu").focus(); }
    }
  });

  // ---------------------------------------------------------------- video
  function showVideoStatus(s) {
    if (!s) return;
    const mode = s.mode && s.mode !== "none" ? `${s.mode.toUpperCase()} · ` : "";
    $("st-video").textContent = mode + (s.reason ? `${s.state} (${s.reason})` : s.state);
    if (s.width) $("st-res").textContent = `${s.width}×${s.height}`;
    if (s.fps !== undefined) $("st-fps").textContent = String(Math.round(s.fps));
    if (s.error) showError(`video: ${s.error}`);
    fitPicture(); // the picture's size or element may have changed
  }

  // The player reports what it shows; the server says why there may be nothing to show.
  async function pollVideo() {
    try {
      const s = await PassKVM.get("/api/video");
      if (s.reason) $("st-video").textContent = `${s.state} (${s.reason})`;
    } catch (err) {
      if (err.status === 401) location.href = "/login";
    }
  }

  function startVideo() {
    PassKVMVideo.start(screen, showVideoStatus); // video.js: H.264, or MJPEG where that cannot play
    setInterval(pollVideo, 2000);
    pollVideo();
  }

  // ---------------------------------------------------------------- picture source
  // HDMI (whichever VM holds the GPU) or a running VM's virtual display. The server switches the one stream, so
  // the player, this page and the session stay as they are; the keyboard and mouse follow the picture.
  let canSwitch = false;
  let sourceBusy = false;

  function showSources(s) {
    const select = $("source");
    $("st-source").textContent = s.label;
    const ids = s.sources.map((x) => x.id + (x.running === false ? "!" : "")).join(",");
    if (select.dataset.ids !== ids) {
      select.replaceChildren(...s.sources.map((x) => PassKVM.h("option", { value: x.id },
        x.id === "hdmi" ? x.label : `VM: ${x.label}${x.running === false ? " (stopped)" : ""}`)));
      select.dataset.ids = ids;
    }
    if (!sourceBusy) select.value = s.selected;
    select.hidden = s.sources.length < 2 && s.selected === "hdmi";
    select.disabled = !canSwitch;
  }

  async function pollSources() {
    try {
      showSources(await PassKVM.get("/api/video/sources"));
    } catch (err) {
      if (err.status === 404) clearInterval(sourceTimer); // no VM host: HDMI only
    }
  }

  let sourceTimer = null;
  function startSources(me) {
    canSwitch = me.role !== "viewer";
    $("source").addEventListener("change", async (e) => {
      sourceBusy = true;
      try {
        showSources(await PassKVM.put("/api/video/source", { source: e.target.value }));
      } catch (err) {
        showError(`source: ${err.message}`);
      } finally {
        sourceBusy = false;
        pollSources();
        screen.focus();
      }
    });
    sourceTimer = setInterval(pollSources, 3000);
    pollSources();
  }

  // ---------------------------------------------------------------- panels and session
  // Panel scripts declare their object as a top-level const, which is global but not on window.
  /* global PassKVMAtx, PassKVMVms, PassKVMMedia, PassKVMKeys, PassKVMPaste */
  const known = {
    PassKVMAtx: typeof PassKVMAtx === "undefined" ? undefined : PassKVMAtx,
    PassKVMVms: typeof PassKVMVms === "undefined" ? undefined : PassKVMVms,
    PassKVMMedia: typeof PassKVMMedia === "undefined" ? undefined : PassKVMMedia,
    PassKVMAccount: typeof PassKVMAccount === "undefined" ? undefined : PassKVMAccount,
    PassKVMKeys: typeof PassKVMKeys === "undefined" ? undefined : PassKVMKeys,
    PassKVMPaste: typeof PassKVMPaste === "undefined" ? undefined : PassKVMPaste,
    PassKVMJiggler: typeof PassKVMJiggler === "undefined" ? undefined : PassKVMJiggler,
    PassKVMMacros: typeof PassKVMMacros === "undefined" ? undefined : PassKVMMacros,
    PassKVMSettings: typeof PassKVMSettings === "undefined" ? undefined : PassKVMSettings,
  };
  const panel = (name) => globalThis[name] || known[name];

  function mountPanels(me) {
    const mounts = [
      ["PassKVMAtx", "panel-atx"], ["PassKVMMedia", "panel-media"],
      ["PassKVMSettings", "panel-settings"], ["PassKVMAccount", "panel-account"],
    ];
    for (const [name, id] of mounts) {
      const el = $(id);
      const p = panel(name);
      if (p) {
        el.querySelectorAll("p.muted").forEach((x) => x.remove());
        try { p.mount(el, me); } catch (err) { el.append(`Panel failed: ${err.message}`); }
      } else {
        el.hidden = true;
      }
    }
    const macros = panel("PassKVMMacros");
    if (macros) macros.mount($("panel-macros"), window.PassKVMInput, me);
    const jiggler = panel("PassKVMJiggler");
    if (jiggler && !$("panel-jiggler").hidden) jiggler.mount($("panel-jiggler"), $("st-jiggler"), me);
    const keys = panel("PassKVMKeys");
    if (keys) {
      keys.mount($("menu-keys"), $("btn-keys"), $("osk"), $("btn-osk"));
      if (typeof PassKVMTouch !== "undefined" && me.role !== "viewer") {
        const bar = PassKVMTouch.mountBar($("osk"), window.PassKVMInput);
        // Opening the keyboard on a touch screen raises the device's own keyboard through the bar's text field.
        $("btn-osk").addEventListener("click", () => { if (!$("osk").hidden && matchMedia("(pointer: coarse)").matches) bar.focus(); });
      }
    }
    else { $("btn-keys").hidden = true; $("btn-osk").hidden = true; }
    const paste = panel("PassKVMPaste");
    if (paste) paste.mount($("dialog-paste"), $("btn-paste"));
    else $("btn-paste").hidden = true;
  }

  // ---------------------------------------------------------------- views
  // The console and the Host view share the page: switching only hides one, so the video stream and the input
  // socket go on. The hash names the view, so a reload (or a link) lands on the same one.
  let hostView = null;
  function showView(me) {
    const host = location.hash === "#host";
    document.body.classList.toggle("view-host", host);
    $("host-view").hidden = !host;
    document.querySelector("main.console").hidden = host;
    for (const [tab, on] of [["tab-console", !host], ["tab-host", host]]) {
      if (on) $(tab).setAttribute("aria-current", "page"); else $(tab).removeAttribute("aria-current");
    }
    if (host) {
      if (held.size) window.PassKVMInput.releaseAll();
      const p = panel("PassKVMVms");
      if (!hostView && p) hostView = p.mount($("host-panel"), me);
      else if (hostView) hostView.refresh();
    } else {
      screen.focus();
    }
  }

  $("logout").addEventListener("click", async () => {
    try { await PassKVM.post("/api/auth/logout"); } catch (err) { /* logged out either way */ }
    location.href = "/login";
  });

  (async () => {
    let me;
    try {
      me = await PassKVM.get("/api/auth/me");
    } catch (err) {
      location.href = "/login";
      return;
    }
    if (me.csrfToken) PassKVM.setCsrf(me.csrfToken);
    if (me.mustChangePassword) { location.href = "/login"; return; }
    $("user-name").textContent = `${me.name} (${me.role})`;
    $("logout").title = `Log out ${me.name} (${me.role})`;
    document.body.dataset.role = me.role;
    startVideo();
    startSources(me);
    if (me.role !== "viewer") connectInput();
    else { $("st-hid").textContent = "view only"; }
    mountPanels(me);
    window.addEventListener("hashchange", () => showView(me));
    showView(me);
  })();
})();
