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
//
// A slow encoder is not left to look like a slow network: when H.264 shows no picture within 5 s of joining, or
// fewer than half the frames the server means to send (min of the source's rate and the H.264 cap in /api/video)
// for 5 s in a row, the player switches to MJPEG by itself and reports why (onStatus's `reason`).
//
// Needs api.js first: PassKVM.h builds the elements, PassKVM.socket holds the H.264 socket.
(() => {
  "use strict";

  const WS_PATH = "/api/video/h264";
  const MJPEG_PATH = "/api/video/stream.mjpeg";
  const HEADER_BYTES = 9; // byte 0: keyframe flag; bytes 1..8: capture time in µs; then Annex-B
  const FIRST_PICTURE_MS = 5000; // no H.264 picture this long after joining: MJPEG
  const SLOW_SECONDS = 5; // this many seconds in a row below half the intended rate: MJPEG

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
          if (stopped || mode !== "mjpeg") return;
          state = "reconnecting";
          report();
          retry = setTimeout(() => { if (mode === "mjpeg") img.src = `${MJPEG_PATH}?t=${Date.now()}`; }, 1000);
        },
      });
      container.appendChild(img);
    }
    show(img);
    img.src = `${MJPEG_PATH}?t=${Date.now()}`;
    report();
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
      if (img) img.removeAttribute("src");
      mode = "none";
      state = "stopped";
    },
    element() {
      return mode === "h264" ? canvas : img;
    },
    stats() {
      return { mode, state, framesDecoded, width, height, fps, errors: errors.slice(), fallbackReason };
    },
  };
})();
