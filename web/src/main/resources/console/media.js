"use strict";
// Virtual media panel: upload (progress, speed, cancel), fetch from a URL, list, mount as CD-ROM or flash, eject.
// Needs api.js; console.js mounts it into the drawer's #panel-media (PassKVMMedia.mount(element)).
const PassKVMMedia = (() => {
  const el = PassKVM.h;
  const size = (n) => {
    if (n == null) return "?";
    const u = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
  };
  const speed = (bytesPerSecond) => `${size(bytesPerSecond)}/s`;
  const path = (name) => `/api/media/images/${encodeURIComponent(name)}`;

  function mount(root) {
    const status = el("div", { className: "media-status" });
    const message = el("div", { className: "message", role: "alert" });
    const list = el("tbody");
    const say = (text) => { message.textContent = text || ""; };

    // ---- upload: XMLHttpRequest, because fetch() reports no upload progress ----
    const file = el("input", { type: "file", accept: ".iso,.img,.raw,.bin,application/octet-stream", "aria-label": "Image file to upload" });
    const upBar = el("progress", { max: 1, value: 0, hidden: true });
    const upText = el("span");
    const upButton = el("button", { type: "button", textContent: "Upload" });
    const upCancel = el("button", { type: "button", textContent: "Cancel", hidden: true });
    let xhr = null;

    upButton.addEventListener("click", () => {
      const f = file.files && file.files[0];
      if (!f) { say("choose an image file first"); return; }
      say("");
      xhr = new XMLHttpRequest();
      xhr.open("PUT", path(f.name));
      xhr.setRequestHeader("X-Requested-With", "passkvm");
      xhr.setRequestHeader("X-CSRF-Token", sessionStorage.getItem("passkvm.csrf") || "");
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      const started = performance.now();
      upBar.hidden = false; upCancel.hidden = false; upButton.disabled = true;
      xhr.upload.addEventListener("progress", (e) => {
        const seconds = Math.max(0.001, (performance.now() - started) / 1000);
        upBar.max = e.total || f.size; upBar.value = e.loaded;
        upText.textContent = `${size(e.loaded)} of ${size(f.size)} · ${speed(e.loaded / seconds)}`;
      });
      const done = () => { upCancel.hidden = true; upButton.disabled = false; xhr = null; refresh(); };
      xhr.addEventListener("load", () => {
        if (xhr.status === 201) {
          upText.textContent = `${f.name} stored (${size(f.size)})`;
        } else {
          let error = xhr.statusText;
          try { error = JSON.parse(xhr.responseText).error || error; } catch (ignored) { /* not JSON */ }
          say(`upload failed: ${error}`);
          upText.textContent = "";
        }
        upBar.hidden = true;
        done();
      });
      xhr.addEventListener("error", () => { say("upload failed: connection lost"); upBar.hidden = true; done(); });
      xhr.addEventListener("abort", () => { upText.textContent = "upload cancelled"; upBar.hidden = true; done(); });
      xhr.send(f);
    });
    upCancel.addEventListener("click", () => { if (xhr) xhr.abort(); });

    // ---- fetch from a URL: the appliance downloads; progress shows in the list ----
    const url = el("input", { type: "url", placeholder: "https://…/installer.iso", "aria-label": "URL of the image to fetch" });
    const fetchName = el("input", { type: "text", placeholder: "name (from the URL)", "aria-label": "Name to store it as" });
    const insecure = el("input", { type: "checkbox" });
    const fetchButton = el("button", { type: "button", textContent: "Fetch" });
    url.addEventListener("input", () => {
      try { fetchName.placeholder = decodeURIComponent(new URL(url.value).pathname.split("/").pop()) || "name"; }
      catch (ignored) { fetchName.placeholder = "name (from the URL)"; }
    });
    fetchButton.addEventListener("click", async () => {
      const name = fetchName.value.trim() || fetchName.placeholder;
      say("");
      try {
        await PassKVM.post(`${path(name)}/fetch`, { url: url.value.trim(), insecure: insecure.checked });
        refresh();
      } catch (e) { say(`fetch failed: ${e.message}`); }
    });

    // ---- drive ----
    const ejectButton = el("button", { type: "button", textContent: "Eject" });
    ejectButton.addEventListener("click", () => eject(false));

    async function eject(force) {
      say("");
      try {
        await PassKVM.post("/api/media/eject", { force });
      } catch (e) {
        if (!force && e.status === 409 && /locked/.test(e.message)
            && confirm(`${e.message}\n\nTake the medium away anyway (forced eject)?`)) {
          return eject(true);
        }
        say(`eject failed: ${e.message}`);
      }
      refresh();
    }

    async function mountImage(name, mode, readOnly) {
      say("");
      try {
        await PassKVM.post("/api/media/mount", { image: name, mode, readOnly });
      } catch (e) {
        if (e.status === 409 && /locked/.test(e.message)
            && confirm(`${e.message}\n\nTake the current medium away anyway (forced eject)?`)) {
          try { await PassKVM.post("/api/media/mount", { image: name, mode, readOnly, force: true }); }
          catch (e2) { say(`mount failed: ${e2.message}`); }
        } else {
          say(`mount failed: ${e.message}`);
        }
      }
      refresh();
    }

    async function remove(img) {
      const what = img.state === "fetching" || img.state === "uploading" ? "Cancel the transfer of" : "Delete";
      if (!confirm(`${what} ${img.name}?`)) return;
      try { await PassKVM.del(path(img.name)); } catch (e) { say(`delete failed: ${e.message}`); }
      refresh();
    }

    function row(img, driveAvailable) {
      const actions = el("td");
      const button = (label, title, onClick, disabled) => {
        const b = el("button", { type: "button", textContent: label, title: title || "", disabled: !!disabled });
        b.addEventListener("click", onClick);
        actions.append(b, " ");
      };
      let state = img.state;
      if (img.progress) {
        const bar = el("progress", { max: img.progress.total || 1, value: img.progress.total ? img.progress.bytes : 0 });
        state = el("span", {}, `${img.state} `, bar,
          ` ${size(img.progress.bytes)}${img.progress.total ? ` of ${size(img.progress.total)}` : ""} · ${speed(img.progress.bytesPerSecond)}`);
      } else if (img.error) {
        state = `failed: ${img.error}`;
      } else if (img.inUse) {
        state = "in the drive";
      }
      if (img.state === "ready" && !img.inUse && driveAvailable) {
        button("CD-ROM", img.cdrom ? "present as a read-only CD/DVD drive"
          : "this kernel cannot present it whole as a CD-ROM (too large, or not a CD image): use flash",
          () => mountImage(img.name, "cdrom", true), !img.cdrom);
        button("Flash (read-only)", "present as a write-protected USB stick", () => mountImage(img.name, "flash", true));
        button("Flash (writable)", "present as a USB stick the target can write to", () => mountImage(img.name, "flash", false));
      }
      if (img.inUse) {
        button("Eject", "", () => eject(false));
      } else {
        button(img.state === "fetching" || img.state === "uploading" ? "Cancel" : "Delete", "", () => remove(img));
      }
      const sha = el("td", { title: img.sha256 || "", textContent: img.sha256 ? `${img.sha256.slice(0, 12)}…` : "" });
      return el("tr", {}, el("td", { textContent: img.name }), el("td", { textContent: size(img.size) }), sha,
        el("td", {}, state), actions);
    }

    let timer = null;
    async function refresh() {
      clearTimeout(timer);
      try {
        const [drive, images] = await Promise.all([PassKVM.get("/api/media"), PassKVM.get("/api/media/images")]);
        const m = drive.mounted;
        let text = drive.unavailable ? drive.unavailable
          : m ? `${m.image || m.file} as ${m.mode === "cdrom" ? "CD-ROM" : m.readOnly ? "read-only flash" : "writable flash"}`
            + (drive.hostConnected ? " · host connected" : " · host not connected")
            : "drive empty";
        if (drive.simulated) text += " (simulated drive: demo mode, no USB)";
        status.textContent = `Drive: ${text} · ${size(drive.storage.usedBytes)} used, ${size(drive.storage.freeBytes)} free`
          + (drive.storage.quotaBytes ? ` (quota ${size(drive.storage.quotaBytes)})` : "");
        ejectButton.disabled = !m || !!drive.unavailable;
        list.replaceChildren(...images.map((img) => row(img, !drive.unavailable)));
        const busy = images.some((i) => i.state === "fetching" || i.state === "uploading" || i.state === "hashing");
        timer = setTimeout(refresh, busy ? 1000 : 5000);
      } catch (e) {
        say(`media: ${e.message}`);
        timer = setTimeout(refresh, 5000);
      }
    }

    root.replaceChildren(
      el("h2", { textContent: "Virtual media" }),
      el("div", {}, status, " ", ejectButton),
      el("div", { className: "media-upload" }, file, " ", upButton, " ", upCancel, " ", upBar, " ", upText),
      el("div", { className: "media-fetch" }, url, " ", fetchName, " ",
        el("label", {}, insecure, " skip certificate check"), " ", fetchButton),
      message,
      el("table", { className: "media-images" },
        el("thead", {}, el("tr", {}, ...["Image", "Size", "SHA-256", "State", ""].map((h) => el("th", { textContent: h })))),
        list));
    refresh();
    return { refresh };
  }

  return { mount };
})();

