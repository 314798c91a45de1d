// PassKVM microphone: the browser's microphone into the target's USB microphone (audio.microphone: true). The
// track from getUserMedia is read as AudioData (MediaStreamTrackProcessor), encoded to Opus in 20 ms packets by
// WebCodecs' AudioEncoder and sent over /api/audio/mic (operators and up). Off until the user clicks Microphone.
// A socket that cannot keep up loses packets (bufferedAmount over MAX_BUFFERED) instead of queueing sound.
//
//   PassKVMMicrophone.start(onStatus) asks for the microphone and sends it; PassKVMMicrophone.stop()
//   PassKVMMicrophone.stats()  {state, reason, sent, dropped, errors} — state: off | starting | on | no_gadget |
//                              not_allowed | unsupported | no_uac2_card (sending, but the card is missing) | error
(() => {
  "use strict";

  const WS_PATH = "/api/audio/mic";
  const MAX_BUFFERED = 8 * 1024; // about 10 packets at 64 kbit/s

  let onStatus = () => {};
  let state = "off";
  let reason = "";
  let media = null;
  let encoder = null;
  let reader = null;
  let ws = null;
  let sent = 0;
  let dropped = 0;
  const errors = [];

  function set(s, why) {
    state = s;
    reason = why || "";
    try {
      onStatus({ state, reason });
    } catch (e) {
      errors.push(String(e));
    }
  }

  /** What the server says before we ask the browser for anything: off, no gadget, no card, idle, streaming. */
  async function serverState() {
    try {
      const r = await fetch("/api/audio");
      if (!r.ok) return { state: "no_gadget", reason: "audio is off" };
      return (await r.json()).microphone || { state: "no_gadget", reason: "" };
    } catch (e) {
      return { state: "error", reason: String(e) };
    }
  }

  async function start(callback) {
    if (callback) onStatus = callback;
    if (state === "on" || state === "starting") return;
    if (!window.AudioEncoder || !window.MediaStreamTrackProcessor || !navigator.mediaDevices) {
      set("unsupported", "this browser cannot encode the microphone (no WebCodecs AudioEncoder or MediaStreamTrackProcessor)");
      return;
    }
    const server = await serverState();
    if (server.state === "off" || server.state === "no_gadget") { set("no_gadget", server.reason); return; }
    set("starting");
    try {
      media = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    } catch (e) {
      set("not_allowed", `the browser did not give the microphone: ${e.message || e}`);
      return;
    }
    ws = new WebSocket(`wss://${location.host}${WS_PATH}`);
    ws.binaryType = "arraybuffer";
    ws.onmessage = (m) => {
      if (typeof m.data !== "string") return;
      const msg = JSON.parse(m.data);
      if (msg.type === "status" && msg.state !== "idle" && msg.state !== "streaming") set(msg.state === "busy" ? "error" : msg.state, msg.reason);
    };
    const mine = ws;
    ws.onclose = (e) => {
      if (e.code === 4001) { location.href = "/login"; return; }
      if (ws !== mine) return; // stop() closed it
      const sending = state === "on" || state === "starting";
      release(); // the microphone is not held for a socket that is gone
      if (sending) set(e.code === 1006 ? "not_allowed" : "error", e.code === 1006 ? "the microphone needs the operator role" : e.reason || `closed (${e.code})`);
    };
    ws.onopen = () => { set("on"); pump(); };
  }

  async function pump() {
    const track = media.getAudioTracks()[0];
    reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    encoder = new AudioEncoder({
      output: (chunk) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        if (!ws || ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > MAX_BUFFERED) { dropped++; return; }
        ws.send(bytes);
        sent++;
      },
      error: (e) => errors.push(`encoder: ${e}`),
    });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || !encoder) { if (value) value.close(); break; }
        if (encoder.state === "unconfigured") {
          encoder.configure({ codec: "opus", sampleRate: value.sampleRate, numberOfChannels: value.numberOfChannels,
            bitrate: 64000, opus: { frameDuration: 20000 } });
        }
        if (encoder.encodeQueueSize > 10) dropped++;
        else encoder.encode(value);
        value.close();
      }
    } catch (e) {
      if (state === "on") errors.push(`microphone: ${e}`);
    }
  }

  function release() {
    if (reader) reader.cancel().catch(() => {});
    reader = null;
    if (encoder && encoder.state !== "closed") encoder.close();
    encoder = null;
    if (media) media.getTracks().forEach((t) => t.stop());
    media = null;
    const socket = ws;
    ws = null;
    if (socket) socket.close();
  }

  function stop() {
    release();
    set("off");
  }

  function wireToolbar() {
    const button = document.getElementById("btn-mic");
    if (!button) return;
    const words = { off: "Mic: off", starting: "Mic: …", on: "Mic: on", no_gadget: "Mic: no gadget",
      not_allowed: "Mic: not allowed", unsupported: "Mic: unsupported", error: "Mic: error",
      no_uac2_card: "Mic: no card" };
    const show = (s) => {
      button.textContent = words[s.state] || `Mic: ${s.state}`;
      button.title = s.reason || "Your microphone into the target's USB microphone (off until you turn it on)";
      button.setAttribute("aria-pressed", String(s.state === "on"));
      button.disabled = s.state === "no_gadget" || (s.state === "not_allowed" && !media && viewer);
    };
    let viewer = false;
    onStatus = show;
    fetch("/api/auth/me").then((r) => (r.ok ? r.json() : null)).then(async (me) => {
      viewer = !!me && me.role === "viewer";
      const server = await serverState();
      // Not switched on in the settings (audio.microphone: false): no button, as for a part that is off.
      button.hidden = server.state === "off";
      if (viewer) { set("not_allowed", "the microphone needs the operator role"); return; }
      if (server.state === "no_gadget") set("no_gadget", server.reason);
    }).catch(() => {});
    button.addEventListener("click", () => {
      if (media || ws || state === "on" || state === "starting") stop(); // sending, even to a missing card
      else start(show);
    });
  }

  window.PassKVMMicrophone = {
    start,
    stop,
    stats: () => ({ state, reason, sent, dropped, errors: errors.slice() }),
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireToolbar);
  else wireToolbar();
})();
