// PassKVM audio player: the target's sound as Opus over /api/audio/ws, decoded by WebCodecs' AudioDecoder and played
// through an AudioWorklet jitter buffer (audio-worklet.js). Off until the user asks: browsers only play sound after
// a gesture, and a KVM should not start making noise by itself.
//
//   PassKVMAudio.start(onStatus)  connects and plays; onStatus({state, reason, muted, volume}) on every change.
//                                 state: off | unsupported | connecting | playing | no_audio | idle | starting
//   PassKVMAudio.stop()           closes the socket and the audio context.
//   PassKVMAudio.setVolume(v)     0..1;  PassKVMAudio.setMuted(bool)
//   PassKVMAudio.stats()          {state, packets, decoded, latencies (capture → decoded, ms), errors} for tests
//   PassKVMAudio.recent(n)        the last n decoded samples of the first channel (tests check the tone)
//
// Needs api.js first (PassKVM.socket).
(() => {
  "use strict";

  const WS_PATH = "/api/audio/ws";
  const TAP = 48000;

  let onStatus = () => {};
  let state = "off";
  let reason = "";
  let context = null;
  let gain = null;
  let node = null;
  let decoder = null;
  let socket = null;
  let pinger = null;
  let headerBytes = 8;
  let config = null;
  let volume = 1;
  let muted = false;
  let offsetMs = null; // the server's clock minus ours
  let pongs = [];
  let packets = 0;
  let decoded = 0;
  let latencies = [];
  let errors = [];
  const tap = new Float32Array(TAP);
  let tapAt = 0;

  const now = () => performance.timeOrigin + performance.now();

  function report() {
    try {
      onStatus({ state, reason, muted, volume });
    } catch (e) { /* the page's callback must not stop the player */ }
  }

  function supported() {
    return window.isSecureContext && typeof window.AudioDecoder === "function"
      && typeof window.AudioWorkletNode === "function";
  }

  function applyGain() {
    if (gain) gain.gain.value = muted ? 0 : volume;
  }

  function newDecoder() {
    decoder = new AudioDecoder({
      output: played,
      error: (e) => { errors.push(String(e)); if (errors.length > 20) errors.shift(); decoder = null; },
    });
    if (config) decoder.configure(config);
  }

  function played(data) {
    try {
      decoded++;
      if (offsetMs !== null) {
        latencies.push(now() + offsetMs - data.timestamp / 1000);
        if (latencies.length > 2000) latencies.shift();
      }
      const planes = [];
      for (let c = 0; c < Math.min(2, data.numberOfChannels); c++) {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: c, format: "f32-planar" });
        planes.push(plane);
      }
      for (let i = 0; i < planes[0].length; i++) {
        tap[tapAt] = planes[0][i];
        tapAt = (tapAt + 1) % TAP;
      }
      if (node) node.port.postMessage(planes, planes.map((p) => p.buffer));
    } finally {
      data.close();
    }
  }

  function message(m) {
    if (typeof m.data !== "string") {
      packets++;
      if (!decoder || decoder.state !== "configured") {
        if (!decoder || decoder.state === "closed") newDecoder();
        if (decoder.state !== "configured") return;
      }
      const view = new DataView(m.data);
      const captured = Number(view.getBigInt64(0));
      decoder.decode(new EncodedAudioChunk({ type: "key", timestamp: captured, data: new Uint8Array(m.data, headerBytes) }));
      return;
    }
    const msg = JSON.parse(m.data);
    if (msg.type === "config") {
      headerBytes = msg.headerBytes;
      config = { codec: msg.codec, sampleRate: msg.sampleRate, numberOfChannels: msg.channels };
      if (!decoder || decoder.state === "closed") newDecoder(); else decoder.configure(config);
    } else if (msg.type === "status") {
      state = msg.state === "streaming" ? "playing" : msg.state;
      reason = msg.reason || "";
      report();
    } else if (msg.type === "pong") {
      // The offset from the shortest of the last few round trips: a short one bounds the error (±rtt/2), and a
      // recent one follows a server clock that drifts (a VM's under load).
      const rtt = now() - msg.t;
      pongs.push({ rtt, offset: msg.server / 1000 - (msg.t + rtt / 2) });
      if (pongs.length > 8) pongs.shift();
      offsetMs = pongs.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset;
    }
  }

  function ping() {
    if (socket) socket.send(JSON.stringify({ type: "ping", t: now() }));
  }

  async function start(callback) {
    if (callback) onStatus = callback;
    if (state !== "off" && state !== "unsupported") return;
    if (!supported()) {
      state = "unsupported";
      reason = "this browser cannot decode the sound (no WebCodecs AudioDecoder): video only";
      report();
      return;
    }
    state = "connecting";
    reason = "";
    report();
    context = new AudioContext({ sampleRate: 48000, latencyHint: "interactive" });
    gain = context.createGain();
    applyGain();
    try {
      await context.audioWorklet.addModule("/assets/audio-worklet.js");
      node = new AudioWorkletNode(context, "passkvm-jitter", { outputChannelCount: [2] });
      node.connect(gain).connect(context.destination);
    } catch (e) {
      errors.push(`worklet: ${e}`);
    }
    context.resume().catch(() => {});
    socket = PassKVM.socket(WS_PATH, {
      binaryType: "arraybuffer",
      retry: () => 1000,
      open: () => { pongs = []; ping(); },
      message,
      down: () => { state = "connecting"; report(); },
    });
    pinger = setInterval(ping, 2000);
  }

  function stop() {
    if (socket) socket.close();
    socket = null;
    clearInterval(pinger);
    if (decoder && decoder.state !== "closed") decoder.close();
    decoder = null;
    if (context) context.close().catch(() => {});
    context = null;
    node = null;
    state = "off";
    reason = "";
    report();
  }

  // The console's toolbar: the first click starts the sound (the gesture browsers ask for), later ones mute/unmute.
  function wireToolbar() {
    const button = document.getElementById("btn-audio");
    const slider = document.getElementById("audio-volume");
    const status = document.getElementById("st-audio");
    if (!button) return;
    const show = (s) => {
      button.textContent = s.state === "off" ? "Sound: off" : s.muted ? "Sound: muted" : "Sound: on";
      button.setAttribute("aria-pressed", String(s.state !== "off" && !s.muted));
      const words = { off: "off", connecting: "connecting…", starting: "starting…", idle: "starting…",
        playing: "playing", no_audio: "no audio", unsupported: "video only" };
      status.textContent = words[s.state] || s.state;
      status.title = s.reason || "";
      if (s.state === "unsupported" || s.state === "no_audio") status.textContent += `: ${s.reason}`;
      slider.hidden = s.state === "off" || s.state === "unsupported";
    };
    button.addEventListener("click", () => {
      if (state === "off" || state === "unsupported") start(show);
      else window.PassKVMAudio.setMuted(!muted);
    });
    slider.addEventListener("input", () => window.PassKVMAudio.setVolume(slider.value / 100));
    onStatus = show;
  }

  window.PassKVMAudio = {
    start,
    stop,
    setVolume(v) { volume = Math.max(0, Math.min(1, Number(v))); applyGain(); report(); },
    setMuted(m) { muted = !!m; applyGain(); report(); },
    stats: () => ({ state, reason, packets, decoded, latencies: latencies.slice(), errors: errors.slice() }),
    recent(n) {
      const out = [];
      for (let i = TAP - n; i < TAP; i++) out.push(tap[(tapAt + i) % TAP]);
      return out;
    },
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireToolbar);
  else wireToolbar();
})();
