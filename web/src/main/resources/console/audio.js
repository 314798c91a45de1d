// PassKVM audio player: the target's sound as Opus over /api/audio/ws, decoded by WebCodecs' AudioDecoder and played
// through an AudioWorklet jitter buffer (audio-worklet.js). Off until the user asks: browsers only play sound after
// a gesture, and a KVM should not start making noise by itself.
//
//   PassKVMAudio.start(onStatus)  connects and plays; onStatus({state, reason, muted, volume}) on every change.
//                                 state: off | unsupported | connecting | playing | no_audio | idle | starting
//   PassKVMAudio.stop()           closes the socket and the audio context.
//   PassKVMAudio.setVolume(v)     0..1;  PassKVMAudio.setMuted(bool)
//   PassKVMAudio.stats()          {state, packets, decoded, latencies (capture → decoded, ms), received (capture →
//                                 arrived, ms), errors, sync} for tests;
//                                 sync: {pictureMs, audioMinMs (arrivalMs + margin + outputMs), targetMs, lateMs,
//                                 skippedMs, waitedMs, underruns, bufferedMs}
//   PassKVMAudio.recent(n)        the last n decoded samples of the first channel (tests check the tone)
//
// In step with the picture: each chunk is played when the picture of its capture time is shown. Both streams carry
// their capture times on the server's clocks; video.js says how long after capture it shows pictures (pictureLag),
// and the worklet plays each chunk that long after its capture, on the output's clock (getOutputTimestamp: what is
// heard when). The sound is never scheduled earlier than it can arrive (audioMinMs: the recent arrival delays'
// 95th percentile, a margin, and the output's latency): when the picture is the faster one the sound plays as soon as
// it safely can and is late by the difference; the picture is never held back for it, because a KVM's picture is
// what the user types against.
//
// Needs api.js first (PassKVM.socket); uses video.js's PassKVMVideo.pictureLag when present.
(() => {
  "use strict";

  const WS_PATH = "/api/audio/ws";
  const TAP = 48000;
  const MARGIN_MS = 15; // past the recent arrival delays: the worklet's block and the message's hop
  const MAX_HOLD_MS = 700; // the sound is never held longer than this past its minimum, whatever the picture does
  const ARRIVALS = 100; // chunks (2 s) whose arrival delay sets the sound's minimum

  let onStatus = () => {};
  let state = "off";
  let reason = "";
  let context = null;
  let gain = null;
  let node = null;
  let decoder = null;
  // The capture times (µs) of the chunks handed to the decoder, oldest first: one output per chunk, in order. Not the
  // outputs' own timestamps: Chromium stamps those from the first chunk onwards by the samples decoded, so every
  // chunk the server or the network dropped would make later ones look older (seconds, after a few stalls).
  let pending = [];
  let socket = null;
  let pinger = null;
  let headerBytes = 8;
  let config = null;
  let volume = 1;
  let muted = false;
  let offsetMs = null; // the server's clock minus ours
  let monotonicMs = null; // the server's wall clock minus its monotonic clock (the pictures' capture times)
  // ms from capture of a chunk's first sample (server's wall clock) to its decoding here (ours): the delay minus the
  // clocks' offset. Scheduling works in such figures throughout: the offset cancels out, so its estimate (only as
  // good as the round trips' symmetry, poor on a busy machine) never moves the sound against the picture.
  let arrivals = [];
  let sync = {};
  let pongs = [];
  let packets = 0;
  let decoded = 0;
  let latencies = [];
  let received = []; // capture → this page's socket (ms), beside latencies (→ decoded): where the time goes
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
    pending = [];
    decoder = new AudioDecoder({
      output: played,
      error: (e) => { errors.push(String(e)); if (errors.length > 20) errors.shift(); decoder = null; },
    });
    if (config) decoder.configure(config);
  }

  function played(data) {
    try {
      decoded++;
      const capturedUs = pending.length ? pending.shift() : data.timestamp;
      if (offsetMs !== null) {
        latencies.push(now() + offsetMs - capturedUs / 1000);
        if (latencies.length > 2000) latencies.shift();
      }
      // The capture time is read when a chunk's last sample arrived: its first sample is one chunk older.
      const captured = capturedUs / 1000 - data.numberOfFrames / data.sampleRate * 1000;
      arrivals.push(now() - captured);
      if (arrivals.length > ARRIVALS) arrivals.shift();
      const due = schedule(captured);
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
      if (node) node.port.postMessage({ planes, due }, planes.map((p) => p.buffer));
    } finally {
      data.close();
    }
  }

  /** Our clock when pictures are shown minus the server's wall clock when they were captured (ms), or null. */
  function pictureLag() {
    const video = window.PassKVMVideo;
    const lag = video && video.pictureLag ? video.pictureLag() : null;
    return lag === null || monotonicMs === null ? null : lag - monotonicMs;
  }

  /**
   * The context time at which the worklet should render the first sample of a chunk captured at `captured` (the
   * server's wall clock, ms) so it is heard with the picture of that time; null while the output's clock is unknown.
   */
  function schedule(captured) {
    if (!context || context.state !== "running") return null;
    const ts = context.getOutputTimestamp();
    if (!(ts.performanceTime > 0)) return null; // the output has not started
    const heardAt = (c) => ts.performanceTime + (c - ts.contextTime) * 1000; // performance ms of context time c
    const outputMs = heardAt(context.currentTime) - performance.now(); // rendered now → heard
    const sorted = arrivals.slice().sort((a, b) => a - b);
    const arrival = sorted[Math.floor((sorted.length - 1) * 0.95)];
    const soonest = arrival + MARGIN_MS + Math.max(0, outputMs);
    const picture = pictureLag();
    const target = picture === null ? soonest : Math.min(soonest + MAX_HOLD_MS, Math.max(soonest, picture));
    // For people and tests: the same figures as delays, where the offset is known.
    const ms = (x) => (x === null || offsetMs === null ? null : x + offsetMs);
    sync = Object.assign(sync, { pictureMs: ms(picture), audioMinMs: ms(soonest), targetMs: ms(target),
      arrivalMs: ms(arrival), outputMs });
    const heard = captured - performance.timeOrigin + target; // performance ms
    return ts.contextTime + (heard - ts.performanceTime) / 1000;
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
      if (offsetMs !== null) {
        received.push(now() + offsetMs - captured / 1000);
        if (received.length > 2000) received.shift();
      }
      pending.push(captured);
      if (pending.length > 100) pending.shift(); // outputs the decoder never gave (an error): not kept for ever
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
      // Read together on the server, so exact whatever the round trip; the latest follows a wall clock that is set.
      if (typeof msg.monotonic === "number") monotonicMs = (msg.server - msg.monotonic) / 1000;
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
      node.port.onmessage = (e) => { sync = Object.assign(sync, e.data); };
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
    if (window.PassKVMVideo && PassKVMVideo.wantPictureTimes) PassKVMVideo.wantPictureTimes(true);
  }

  function stop() {
    if (window.PassKVMVideo && PassKVMVideo.wantPictureTimes) PassKVMVideo.wantPictureTimes(false);
    if (socket) socket.close();
    socket = null;
    clearInterval(pinger);
    if (decoder && decoder.state !== "closed") decoder.close();
    decoder = null;
    if (context) context.close().catch(() => {});
    context = null;
    node = null;
    arrivals = [];
    sync = {};
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
    stats: () => ({ state, reason, packets, decoded, latencies: latencies.slice(), received: received.slice(), errors: errors.slice(),
      sync: Object.assign({}, sync) }),
    recent(n) {
      const out = [];
      for (let i = TAP - n; i < TAP; i++) out.push(tap[(tapAt + i) % TAP]);
      return out;
    },
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireToolbar);
  else wireToolbar();
})();
