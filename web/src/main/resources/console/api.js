// Talks to the PassKVM API with the session cookie and the CSRF token every change needs.
"use strict";
const PassKVM = (() => {
  let csrf = sessionStorage.getItem("passkvm.csrf") || "";

  async function call(method, path, body, extraHeaders) {
    const headers = Object.assign({ "X-Requested-With": "passkvm" }, extraHeaders || {});
    if (method !== "GET") headers["X-CSRF-Token"] = csrf;
    let payload = body;
    if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer) && typeof body !== "string") {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
    const type = res.headers.get("Content-Type") || "";
    const data = type.includes("application/json") ? await res.json() : await res.text();
    if (!res.ok) {
      const message = (data && data.error) || (typeof data === "string" && data) || res.statusText;
      const err = new Error(message);
      err.status = res.status;
      err.totpRequired = !!(data && data.totpRequired);
      err.retryAfter = res.headers.get("Retry-After");
      throw err;
    }
    return data;
  }

  /**
   * The one DOM builder: h("button", {onclick: f, class: "x", disabled: true, "aria-label": "…"}, "text", child…).
   * Text never becomes markup. A key the element has as a property (textContent, hidden, value, ariaLabel, …) is set
   * as one; any other (class, data-*, aria-*) as an attribute; null children and attributes are skipped.
   */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k in el && typeof el[k] !== "function") el[k] = v;
      else if (v !== false) el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  /**
   * The one reconnecting WebSocket: opens wss://<this host><path>, calls handlers.open/message/down, and opens again
   * after handlers.retry(opened) ms (default 1 s, 5 s when it never opened). A close with 4001 means this login was
   * ended (logout elsewhere, password change, removed or demoted): the page goes to the login instead.
   * Returns { send(data) → false when not open, close() }.
   */
  function socket(path, handlers) {
    let ws = null;
    let closed = false;
    const retry = handlers.retry || ((opened) => (opened ? 1000 : 5000));
    function connect() {
      if (closed) return;
      let opened = false;
      try {
        ws = new WebSocket(`wss://${location.host}${path}`);
      } catch (e) {
        if (handlers.down) handlers.down(e);
        setTimeout(connect, retry(false));
        return;
      }
      ws.binaryType = handlers.binaryType || "blob";
      ws.onopen = () => { opened = true; if (handlers.open) handlers.open(); };
      ws.onmessage = (m) => { if (handlers.message) handlers.message(m); };
      ws.onclose = (e) => {
        if (closed) return;
        if (e.code === 4001) { location.href = "/login"; return; }
        if (handlers.down) handlers.down(e);
        setTimeout(connect, retry(opened));
      };
    }
    connect();
    return {
      send(data) {
        if (!ws || ws.readyState !== WebSocket.OPEN) return false;
        ws.send(data);
        return true;
      },
      close() { closed = true; if (ws) ws.close(); },
    };
  }

  return {
    h,
    socket,
    setCsrf(token) { csrf = token; sessionStorage.setItem("passkvm.csrf", token); },
    get: (p) => call("GET", p),
    post: (p, b) => call("POST", p, b === undefined ? {} : b),
    put: (p, b, h) => call("PUT", p, b, h),
    patch: (p, b) => call("PATCH", p, b),
    del: (p) => call("DELETE", p),
    call,
  };
})();
