// PassKVM video player: H.264 over a WebSocket decoded with WebCodecs into a <canvas>, or the MJPEG
// stream in an <img> where WebCodecs is missing (no secure context, old browser) or fails.
//
//   PassKVMVideo.start(container, onStatus)  creates the element inside `container` and starts playing;
//                                            onStatus({mode, state, width, height, fps, error}) is called on changes
//                                            and once a second.
//   PassKVMVideo.element()                   the <canvas> or <img> showing the picture: map mouse coordinates
//                                            to its bounding box.
//   PassKVMVideo.stop()                      closes the stream.
//   PassKVMVideo.stats()                     {mode, framesDecoded, width, height, fps, errors, fallbackReason}
//                                            for tests.
//   PassKVMVideo.pictureLag()                our wall clock when pictures are shown minus the server's monotonic
//                                            clock when they were captured (ms, median of the last second), or null:
//                                            audio.js plays the sound that much after its capture (with the clocks'
//                                            offsets), so picture and sound are in step.
//
// A slow encoder is not left to look like a slow network: when H.264 shows no picture within 5 s of joining, or
// fewer than half the frames the server means to send (min of the source's rate and the H.264 cap in /api/video)
// for 5 s in a row, the player switches to MJPEG by itself and reports why (onStatus's `reason`).
//
// While the sound plays (audio.js asks for it: wantPictureTimes), MJPEG is read with fetch and each part shown in the
// <img> as its own image, so the player knows every picture's capture time (the part's X-Timestamp) and the sound can
// keep in step. Otherwise, and where a browser cannot stream a response body, the <img> reads the stream itself:
// its pictures reach the screen ~50 ms sooner (PhotonBench, MJPEG p50 108 vs 161 ms), and without sound nothing needs
// their times.
//
// Needs api.js first: PassKVM.h builds the elements, PassKVM.socket holds the H.264 socket.
(() => {
  "use strict";

  const WS_PATH = "/api/video/h264";
  const MJPEG_PATH = "/api/video/stream.mjpeg";
  const HEADER_BYTES = 9; // byte 0: keyframe flag; bytes 1..8: capture time in µs; then Annex-B
  const FIRST_PICTURE_MS = 5000; // no H.264 picture this long after joining: MJPEG
  const SLOW_SECONDS = 5; // this many seconds in a row below half the intended rate: MJPEG
  const LAGS = 30; // pictures (a second at 30 fps) whose delay the median is taken over

  let container = null;
  let onStatus = () => {};
  let canvas = null;
  let ctx2d = null;
  let img = null;
  let ws = null; // PassKVM.socket's handle while H.264 plays
  let decoder = null;
  let mode = "none";
  let state = "starting";
  let needKey = true;
  let stopped = true;
  let h264Failures = 0;
  let gotFrame = false; // a picture came over the current H.264 connection
  let framesDecoded = 0;
  let framesThisSecond = 0;
  let fps = 0;
  let errors = [];
  let width = 0;
  let height = 0;
  let timer = null;
  let retry = null;
  let firstPictureTimer = null;
  let slowSeconds = 0;
  let playingSeconds = 0;
  let fallbackReason = ""; // why the player left H.264 by itself, shown in the status bar
  let lags = []; // per picture shown: our wall clock then minus its capture time on the server's monotonic clock, ms
  let mjpegAbort = null; // ends the MJPEG fetch
  let pictureTimes = false; // MJPEG read part by part, for the sound
  let loadingPart = null; // {url, captured}: the MJPEG part the <img> is loading
  let nextPart = null; // the newest part that arrived meanwhile (older ones are skipped: latency over smoothness)
  let shownUrl = null;

  /** A picture captured at `capturedUs` (server monotonic µs) is on the screen now. */
  function shown(capturedUs) {
    if (capturedUs === null) return;
    lags.push(performance.timeOrigin + performance.now() - capturedUs / 1000);
    if (lags.length > LAGS) lags.shift();
  }

  function report(extra) {
    try {
      const reason = mode === "mjpeg" && fallbackReason ? { reason: fallbackReason } : {};
      onStatus(Object.assign({ mode, state, width, height, fps }, reason, extra || {}));
    } catch (e) { /* the page's callback must not stop the player */ }
  }

  function noteError(message) {
    errors.push(String(message));
    if (errors.length > 20) errors.shift();
    report({ error: String(message) });
  }

  function h264Possible() {
    return window.isSecureContext && typeof window.VideoDecoder === "function"
      && typeof window.EncodedVideoChunk === "function";
  }

  function show(el) {
    for (const e of [canvas, img]) if (e) e.hidden = e !== el;
  }

  // ---- H.264 over WebSocket + WebCodecs ----
  // PassKVM.socket reconnects after 1 s (and sends a login that was ended, close 4001, to the login page); three
  // attempts in a row without one picture fall back to MJPEG.
  function startH264() {
    mode = "h264";
    state = "connecting";
    needKey = true;
    lags = [];
    if (!canvas) {
      canvas = PassKVM.h("canvas", { class: "passkvm-video", tabIndex: -1 });
      ctx2d = canvas.getContext("2d", { alpha: false, desynchronized: true });
      container.appendChild(canvas);
    }
    show(canvas);
    gotFrame = false;
    slowSeconds = 0;
    playingSeconds = 0;
    clearTimeout(firstPictureTimer);
    firstPictureTimer = setTimeout(() => {
      if (mode === "h264" && !stopped && state !== "playing") {
        switchToMjpeg(`no H.264 picture within ${FIRST_PICTURE_MS / 1000} s`);
      }
    }, FIRST_PICTURE_MS);
    let socket = null;
    socket = PassKVM.socket(WS_PATH, {
      binaryType: "arraybuffer",
      retry: () => 1000,
      message: (ev) => { if (socket === ws) received(ev); },
      down: () => {
        if (!socket || socket !== ws || stopped) return;
        closeDecoder();
        needKey = true;
        h264Failures = gotFrame ? 0 : h264Failures + 1;
        gotFrame = false;
        state = "reconnecting";
        report();
        if (h264Failures >= 3) { // this browser or link does not do H.264: use MJPEG
          ws = null;
          socket.close();
          retry = setTimeout(startMjpeg, 1000);
        }
      },
    });
    ws = socket;
  }

  function received(ev) {
    if (typeof ev.data === "string") {
      configure(JSON.parse(ev.data));
      return;
    }
    const bytes = new Uint8Array(ev.data);
    const key = (bytes[0] & 1) === 1;
    if (!decoder || decoder.state !== "configured" || (needKey && !key)) return;
    let ts = 0;
    for (let i = 1; i <= 8; i++) ts = ts * 256 + bytes[i];
    try {
      decoder.decode(new EncodedVideoChunk({ type: key ? "key" : "delta", timestamp: ts, data: bytes.subarray(HEADER_BYTES) }));
      needKey = false;
      gotFrame = true;
    } catch (e) {
      decoderFailed(e);
    }
  }

  function configure(msg) {
    if (msg.type !== "config") return;
    const config = { codec: msg.codec, optimizeForLatency: true };
    VideoDecoder.isConfigSupported(config).then((support) => {
      if (!support.supported) {
        noteError(`H.264 ${msg.codec} is not supported here`);
        fallBack();
        return;
      }
      closeDecoder();
      decoder = new VideoDecoder({ output: draw, error: decoderFailed });
      decoder.configure(config);
      needKey = true;
      width = msg.width;
      height = msg.height;
      if (ws) ws.send("keyframe"); // frames that arrived while configuring were skipped (not sent if closed)
    }).catch((e) => { noteError(e); fallBack(); });
  }

  function draw(frame) {
    if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
      canvas.width = frame.displayWidth;
      canvas.height = frame.displayHeight;
    }
    ctx2d.drawImage(frame, 0, 0);
    shown(frame.timestamp); // the capture time the access unit carried
    frame.close();
    framesDecoded++;
    framesThisSecond++;
    if (state !== "playing") {
      state = "playing";
      clearTimeout(firstPictureTimer);
      report();
    }
  }

  // Once a second while H.264 plays: is the picture keeping up with what the server means to send?
  async function checkH264Rate(shown) {
    if (++playingSeconds < 2) return; // the first second was only partly playing
    let s;
    try {
      s = await PassKVM.get("/api/video");
    } catch (e) {
      return; // a missed status says nothing about the stream
    }
    if (mode !== "h264" || state !== "playing" || stopped) return;
    const intended = s.h264MaxFps > 0 ? Math.min(s.fpsIn, s.h264MaxFps) : s.fpsIn;
    slowSeconds = intended >= 2 && shown < intended / 2 ? slowSeconds + 1 : 0;
    if (slowSeconds >= SLOW_SECONDS) {
      switchToMjpeg(`H.264 showed ${shown} of ${Math.round(intended)} fps for ${SLOW_SECONDS} s`);
    }
  }

  function switchToMjpeg(why) {
    fallbackReason = `${why}: switched to MJPEG`;
    clearTimeout(retry);
    fallBack();
  }

  function decoderFailed(e) {
    noteError(e && e.message ? e.message : e);
    closeDecoder();
    needKey = true;
    if (ws) ws.send("keyframe"); // the server resends config + a keyframe (when the socket is open)
  }

  function closeDecoder() {
    if (decoder) {
      try { decoder.close(); } catch (e) { /* already closed */ }
      decoder = null;
    }
  }

  function fallBack() {
    clearTimeout(firstPictureTimer);
    if (ws) { const s = ws; ws = null; s.close(); }
    closeDecoder();
    startMjpeg();
  }

  // ---- MJPEG in an <img> ----
  function startMjpeg() {
    mode = "mjpeg";
    state = "connecting";
    lags = [];
    if (!img) {
      img = PassKVM.h("img", {
        class: "passkvm-video",
        alt: "target screen",
        draggable: false,
        onload: () => {
          width = img.naturalWidth;
          height = img.naturalHeight;
          framesDecoded++;
          framesThisSecond++;
          if (state !== "playing") { state = "playing"; report(); }
        },
        onerror: () => {
          if (loadingPart) return; // one bad picture (its decode() failed too): the stream goes on
          if (stopped || mode !== "mjpeg") return;
          mjpegDown();
        },
      });
      container.appendChild(img);
    }
    show(img);
    openMjpeg();
    report();
  }

  function openMjpeg() {
    const url = `${MJPEG_PATH}?t=${Date.now()}`;
    if (!pictureTimes || typeof AbortController !== "function" || typeof ReadableStream !== "function") {
      closeMjpeg();
      img.src = url; // the browser reads the stream; pictures' capture times unknown
      return;
    }
    if (mjpegAbort) mjpegAbort.abort();
    const abort = new AbortController();
    mjpegAbort = abort;
    readParts(url, abort.signal).then(() => "ended", (e) => e).then((why) => {
      if (mjpegAbort !== abort || stopped || mode !== "mjpeg") return;
      if (why instanceof NotParts) { img.src = url; return; } // not the parts this reader knows: let the img read it
      mjpegDown();
    });
  }

  function mjpegDown() {
    state = "reconnecting";
    report();
    clearTimeout(retry);
    retry = setTimeout(() => { if (mode === "mjpeg" && !stopped) openMjpeg(); }, 1000);
  }

  function closeMjpeg() {
    if (mjpegAbort) mjpegAbort.abort();
    mjpegAbort = null;
    for (const p of [loadingPart, nextPart]) if (p) URL.revokeObjectURL(p.url);
    if (shownUrl) URL.revokeObjectURL(shownUrl);
    loadingPart = nextPart = shownUrl = null;
  }

  class NotParts extends Error {}

  /** Reads the multipart stream; each part (Content-Length, X-Timestamp, then the JPEG) goes to showPart. */
  async function readParts(url, signal) {
    const res = await fetch(url, { signal, cache: "no-store" });
    if (!res.ok || !res.body) throw new Error(`MJPEG: HTTP ${res.status}`);
    const reader = res.body.getReader();
    const ascii = new TextDecoder("ascii");
    let buf = new Uint8Array(1 << 18);
    let len = 0;
    let pos = 0;
    let need = -1; // bytes of JPEG still to come for the part whose header was read
    let captured = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (len + value.length > buf.length) {
        buf.copyWithin(0, pos, len);
        len -= pos;
        pos = 0;
        if (len + value.length > buf.length) {
          const bigger = new Uint8Array(Math.max(buf.length * 2, len + value.length));
          bigger.set(buf.subarray(0, len));
          buf = bigger;
        }
      }
      buf.set(value, len);
      len += value.length;
      for (;;) {
        if (need < 0) {
          let end = -1;
          for (let i = pos; i + 3 < len; i++) {
            if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) { end = i; break; }
          }
          if (end < 0) break;
          const head = ascii.decode(buf.subarray(pos, end));
          const length = /content-length:\s*(\d+)/i.exec(head);
          if (!length) throw new NotParts();
          const ts = /x-timestamp:\s*(\d+)\.(\d{1,6})/i.exec(head); // seconds.micros, as ustreamer sends it
          captured = ts ? Number(ts[1]) * 1e6 + Number(ts[2].padEnd(6, "0")) : null;
          need = Number(length[1]);
          pos = end + 4;
        }
        if (len - pos < need) break;
        showPart(new Blob([buf.subarray(pos, pos + need)], { type: "image/jpeg" }), captured);
        pos += need;
        need = -1;
      }
      if (pos === len) pos = len = 0;
    }
  }

  function showPart(blob, captured) {
    const part = { url: URL.createObjectURL(blob), captured };
    if (loadingPart) {
      if (nextPart) URL.revokeObjectURL(nextPart.url);
      nextPart = part;
      return;
    }
    load(part);
  }

  // decode() rather than load: load comes before the picture is decoded, and so before it can be on the screen.
  function load(part) {
    loadingPart = part;
    img.src = part.url;
    img.decode().then(() => partShown(part, true), () => partShown(part, false));
  }

  /** The <img> has the part it was loading (or gave up on it): the one that waited is next. */
  function partShown(part, ok) {
    if (part !== loadingPart) return; // the stream was closed meanwhile
    if (ok) shown(loadingPart.captured);
    if (shownUrl) URL.revokeObjectURL(shownUrl);
    shownUrl = loadingPart.url;
    loadingPart = null;
    if (nextPart) {
      const p = nextPart;
      nextPart = null;
      load(p);
    }
  }

  function tick() {
    fps = framesThisSecond;
    framesThisSecond = 0;
    report();
    if (mode === "h264" && state === "playing") checkH264Rate(fps);
    else playingSeconds = 0;
  }

  window.PassKVMVideo = {
    start(containerElement, statusCallback) {
      if (!stopped) this.stop();
      container = containerElement;
      onStatus = statusCallback || (() => {});
      stopped = false;
      h264Failures = 0;
      fallbackReason = "";
      timer = setInterval(tick, 1000);
      if (h264Possible()) startH264(); else startMjpeg();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retry);
      clearTimeout(firstPictureTimer);
      if (ws) { const s = ws; ws = null; s.close(); }
      closeDecoder();
      closeMjpeg();
      if (img) img.removeAttribute("src");
      mode = "none";
      state = "stopped";
    },
    element() {
      return mode === "h264" ? canvas : img;
    },
    /** Whether MJPEG should be read part by part so pictures' capture times are known (audio.js, while it plays). */
    wantPictureTimes(on) {
      if (pictureTimes === !!on) return;
      pictureTimes = !!on;
      lags = [];
      if (mode === "mjpeg" && !stopped) { clearTimeout(retry); openMjpeg(); }
    },
    pictureLag() {
      if (!lags.length) return null;
      const sorted = lags.slice().sort((a, b) => a - b);
      return sorted[sorted.length >> 1];
    },
    stats() {
      return { mode, state, framesDecoded, width, height, fps, errors: errors.slice(), fallbackReason };
    },
  };
})();
