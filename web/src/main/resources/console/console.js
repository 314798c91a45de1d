"use strict";
// The console: shows the target's screen and forwards keyboard and mouse over one WebSocket.
(() => {
  const $ = (id) => document.getElementById(id);
  const screen = $("screen");
  const video = $("video");
  const showError = (text) => { $("st-error").textContent = text || ""; };

  // ---- input channel ----
  let ws = null;
  const enc = new TextEncoder();

  function connectInput() {
    ws = new WebSocket(`wss://${location.host}/api/hid/ws`);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => { $("st-hid").textContent = "connected"; showError(""); };
    ws.onclose = () => { $("st-hid").textContent = "disconnected"; setTimeout(connectInput, 1000); };
    ws.onmessage = (m) => {
      if (typeof m.data !== "string") return;
      const msg = JSON.parse(m.data);
      if (msg.type === "status") $("st-hid").textContent = `${msg.output} · host ${msg.hostState}`;
      if (msg.type === "error") showError(msg.message);
    };
  }

  function send(bytes) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(bytes);
  }

  // Frame 0x01: key; [0x01, down, len, code…]
  function sendKey(code, down) {
    const c = enc.encode(code);
    const b = new Uint8Array(3 + c.length);
    b[0] = 1; b[1] = down ? 1 : 0; b[2] = c.length; b.set(c, 3);
    send(b);
  }

  screen.addEventListener("keydown", (e) => { e.preventDefault(); sendKey(e.code, true); });
  screen.addEventListener("keyup", (e) => { e.preventDefault(); sendKey(e.code, false); });
  screen.addEventListener("blur", () => send(new Uint8Array([6])));

  // Frame 0x02: absolute move; [0x02, x u16 BE, y u16 BE] in 0..32767 of the picture.
  function toTarget(e) {
    const r = video.getBoundingClientRect();
    const x = Math.round(Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) * 32767);
    const y = Math.round(Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)) * 32767);
    return [x, y];
  }
  function sendMove(e) {
    const [x, y] = toTarget(e);
    const b = new DataView(new ArrayBuffer(5));
    b.setUint8(0, 2); b.setUint16(1, x); b.setUint16(3, y);
    send(b.buffer);
  }
  // Frame 0x04: button; [0x04, button, down]
  const button = (n, down) => send(new Uint8Array([4, n, down ? 1 : 0]));
  video.addEventListener("mousemove", sendMove);
  video.addEventListener("mousedown", (e) => { screen.focus(); sendMove(e); button(e.button === 2 ? 1 : e.button === 1 ? 2 : 0, true); e.preventDefault(); });
  video.addEventListener("mouseup", (e) => { sendMove(e); button(e.button === 2 ? 1 : e.button === 1 ? 2 : 0, false); e.preventDefault(); });
  video.addEventListener("contextmenu", (e) => e.preventDefault());
  // Frame 0x05: wheel; [0x05, wheel i8, pan i8]
  video.addEventListener("wheel", (e) => {
    e.preventDefault();
    const w = Math.sign(-e.deltaY), p = Math.sign(e.deltaX);
    send(new Int8Array([5, w, p]));
  }, { passive: false });
  screen.addEventListener("focus", () => { $("st-keys").textContent = "typing goes to the target"; });
  screen.addEventListener("blur", () => { $("st-keys").textContent = "focus the screen to type"; });

  // ---- video ----
  function startVideo() {
    video.src = `/api/video/stream.mjpeg?t=${Date.now()}`;
  }
  video.addEventListener("error", () => { $("st-video").textContent = "reconnecting"; setTimeout(startVideo, 1000); });
  video.addEventListener("load", () => { $("st-video").textContent = `${video.naturalWidth}×${video.naturalHeight}`; });

  // ---- session ----
  $("logout").addEventListener("click", async () => {
    try { await PassKVM.post("/api/auth/logout"); } finally { location.href = "/login"; }
  });

  (async () => {
    try {
      const me = await PassKVM.get("/api/auth/me");
      if (me.csrfToken) PassKVM.setCsrf(me.csrfToken);
      if (me.mustChangePassword) { location.href = "/login"; return; }
      $("user-name").textContent = `${me.name} (${me.role})`;
    } catch (err) {
      location.href = "/login";
      return;
    }
    startVideo();
    connectInput();
    screen.focus();
  })();
})();
