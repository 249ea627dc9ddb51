// ec2x console: what every page shares. A page's script registers its
// start in ec2x.pages[name]; every call goes through ec2x.api, which posts
// the action's JSON input with the session's CSRF token and the page's
// region, and throws EC2's error (code and message) when it fails.
"use strict";
(function () {
  const body = document.body;
  const ec2x = {
    region: body.dataset.region,
    csrf: body.dataset.csrf,
    id: body.dataset.id,
    pages: {},
  };
  window.ec2x = ec2x;

  class APIError extends Error {
    constructor(code, message) { super(code + ": " + message); this.code = code; this.ec2Message = message; }
  }
  ec2x.APIError = APIError;

  // api calls an action; text answers (DescribeInstanceRows) come back as
  // strings, JSON ones decoded.
  ec2x.api = async function (action, input) {
    const r = await fetch("/api/" + action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Csrf-Token": ec2x.csrf, "X-Ec2x-Region": ec2x.region },
      body: JSON.stringify(input || {}),
    });
    const type = r.headers.get("Content-Type") || "";
    if (!r.ok) {
      let code = "HTTP" + r.status, msg = r.statusText;
      try { const e = await r.json(); code = e.Error.Code; msg = e.Error.Message; } catch (_) { /* not EC2's shape */ }
      throw new APIError(code, msg);
    }
    return type.startsWith("application/json") ? r.json() : r.text();
  };

  // showError puts an error in the page's alert, as EC2 words it.
  ec2x.showError = function (err) {
    const el = document.getElementById("error");
    el.textContent = err instanceof APIError ? err.code + ": " + err.ec2Message : String(err);
    el.hidden = false;
  };
  ec2x.clearError = function () {
    const el = document.getElementById("error");
    el.hidden = true; el.textContent = "";
  };
  ec2x.notice = function (text) { document.getElementById("notice").textContent = text; };

  // run calls f, showing its error; it returns f's result or undefined.
  ec2x.run = async function (f) {
    try { const v = await f(); ec2x.clearError(); return v; } catch (err) { ec2x.showError(err); return undefined; }
  };

  // el builds an element: el("td", {class: "x"}, "text", child...).
  ec2x.el = function (tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  };

  ec2x.link = function (path) {
    return path + (path.includes("?") ? "&" : "?") + "region=" + encodeURIComponent(ec2x.region);
  };

  ec2x.tag = function (tags, key) {
    for (const t of tags || []) if (t.Key === key) return t.Value;
    return "";
  };

  ec2x.money = function (v) { return "$" + Number(v).toFixed(Math.abs(v) < 1 ? 4 : 2); };

  // confirm asks in the page's dialog (keyboard: Tab to a button, Enter;
  // Escape cancels). It answers from the buttons and the cancel event
  // themselves, not from the dialog's close event, which Chromium may
  // deliver late: a late close of one question must not answer the next.
  ec2x.confirm = function (text) {
    const d = document.getElementById("confirm");
    const ok = document.getElementById("confirm-ok"), no = document.getElementById("confirm-cancel");
    document.getElementById("confirm-text").textContent = text;
    return new Promise((resolve) => {
      const answer = (v) => () => {
        ok.removeEventListener("click", yes);
        no.removeEventListener("click", nay);
        d.removeEventListener("cancel", nay);
        if (d.open) d.close();
        resolve(v);
      };
      const yes = answer(true), nay = answer(false);
      ok.addEventListener("click", yes);
      no.addEventListener("click", nay);
      d.addEventListener("cancel", nay);
      d.showModal();
      ok.focus();
    });
  };

  // stateActions wires the Start/Stop/Reboot/Terminate buttons to the ids
  // ids() returns, asking first for stop, reboot and terminate.
  ec2x.stateActions = function (ids, after) {
    for (const b of document.querySelectorAll("button[data-act]")) {
      b.addEventListener("click", async () => {
        const list = ids();
        if (list.length === 0) return;
        const act = b.dataset.act;
        if (act !== "StartInstances" && !(await ec2x.confirm(b.textContent + " " + list.join(", ") + "?"))) return;
        const out = await ec2x.run(() => ec2x.api(act, { InstanceIds: list }));
        if (out) { ec2x.notice(b.textContent + ": " + list.join(", ")); if (after) after(); }
      });
    }
  };

  // every runs f now and then every ms until the page goes.
  ec2x.every = function (ms, f) {
    let stopped = false;
    const tick = async () => { if (stopped) return; await f(); setTimeout(tick, ms); };
    tick();
    return () => { stopped = true; };
  };

  document.addEventListener("DOMContentLoaded", () => {
    const start = ec2x.pages[body.dataset.page];
    if (start) start().catch(ec2x.showError);
  });
})();
