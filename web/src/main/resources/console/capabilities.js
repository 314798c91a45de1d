"use strict";
// Hides what is turned off: every element marked data-capability="hid|video|atx|vm|media" disappears when
// /api/health reports that capability "off" (e.g. hid.output: off), so the console offers nothing that would fail.
(async () => {
  const health = await fetch("/api/health").then((r) => r.json()).catch(() => null);
  const capabilities = (health && health.capabilities) || {};
  for (const [name, c] of Object.entries(capabilities)) {
    if (c.state !== "off") continue;
    document.body.classList.add(`off-${name}`);
    document.querySelectorAll(`[data-capability="${name}"]`).forEach((el) => { el.hidden = true; });
  }
})();
