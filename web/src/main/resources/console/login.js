"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const message = (text) => { $("message").textContent = text; };
  let currentPassword = "";

  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    message("");
    try {
      currentPassword = $("password").value;
      const res = await PassKVM.post("/api/auth/login", {
        user: $("user").value, password: currentPassword, totp: $("totp").value || null,
      });
      PassKVM.setCsrf(res.csrfToken);
      if (res.mustChangePassword) {
        $("login-form").hidden = true;
        $("change-form").hidden = false;
        $("new-password").focus();
      } else {
        location.href = "/";
      }
    } catch (err) {
      if (err.totpRequired) { $("totp-row").hidden = false; $("totp").focus(); }
      message(err.message);
    }
  });

  $("change-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if ($("new-password").value !== $("new-password2").value) { message("The two passwords differ."); return; }
    try {
      await PassKVM.post("/api/auth/password", { currentPassword, newPassword: $("new-password").value });
      location.href = "/";
    } catch (err) {
      message(err.message);
    }
  });

  $("password").focus();
})();
