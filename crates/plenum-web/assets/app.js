// plenum's one script: keeps the editor's form and TOML in sync, submits
// runs, and follows a run's progress by server-sent events. No framework,
// no build step.
"use strict";

// ---- TOML, line by line: enough for the form's scalar keys ----
function sectionRange(lines, section) {
  // [start, end): the lines of `section` ("" is the top level).
  let start = 0;
  if (section !== "") {
    const re = new RegExp("^\\s*\\[" + section.replace(/[.]/g, "\\.") + "\\]\\s*(#.*)?$");
    start = lines.findIndex((l) => re.test(l));
    if (start < 0) return null;
    start += 1;
  }
  let end = start;
  while (end < lines.length && !/^\s*\[/.test(lines[end])) end++;
  return [start, end];
}

function tomlValue(type, v) {
  if (type === "number" || type === "integer") return String(v);
  return JSON.stringify(String(v));
}

function setKey(text, dotted, type, value) {
  const cut = dotted.indexOf(".");
  const section = cut < 0 ? "" : dotted.slice(0, cut);
  const key = cut < 0 ? dotted : dotted.slice(cut + 1);
  const lines = text.split("\n");
  const keyRe = new RegExp("^\\s*" + key + "\\s*=");
  let range = sectionRange(lines, section);
  if (range) {
    for (let i = range[0]; i < range[1]; i++) {
      if (keyRe.test(lines[i])) {
        if (value === "") lines.splice(i, 1);
        else lines[i] = key + " = " + tomlValue(type, value);
        return lines.join("\n");
      }
    }
    if (value === "") return text;
    let at = range[1];
    while (at > range[0] && lines[at - 1].trim() === "") at--;
    lines.splice(at, 0, key + " = " + tomlValue(type, value));
    return lines.join("\n");
  }
  if (value === "") return text;
  let body = text.replace(/\s*$/, "");
  return body + "\n\n[" + section + "]\n" + key + " = " + tomlValue(type, value) + "\n";
}

function parseToml(text) {
  // {"section.key": value} of the scalar keys, top level without a dot.
  const out = {};
  let section = "";
  for (const line of text.split("\n")) {
    const h = line.match(/^\s*\[([A-Za-z0-9_.]+)\]\s*(#.*)?$/);
    if (h) { section = h[1]; continue; }
    if (/^\s*\[\[/.test(line)) { section = "[[table]]"; continue; }
    const m = line.match(/^\s*([A-Za-z0-9_]+)\s*=\s*(.+?)\s*(#[^"]*)?$/);
    if (!m || section === "[[table]]") continue;
    let v = m[2];
    if (/^".*"$/.test(v)) { try { v = JSON.parse(v); } catch (e) { v = v.slice(1, -1); } }
    out[section === "" ? m[1] : section + "." + m[1]] = v;
  }
  return out;
}

function setupEditor() {
  const area = document.getElementById("toml");
  const form = document.getElementById("form");
  if (!area || !form) return;
  const inputs = Array.from(form.querySelectorAll("[data-key]"));
  const fromToml = () => {
    const kv = parseToml(area.value);
    for (const el of inputs) {
      if (document.activeElement === el) continue;
      const v = kv[el.dataset.key];
      el.value = v === undefined ? "" : v;
    }
  };
  for (const el of inputs) {
    const ev = el.tagName === "SELECT" ? "change" : "input";
    el.addEventListener(ev, () => {
      area.value = setKey(area.value, el.dataset.key, el.dataset.type, el.value.trim());
    });
  }
  area.addEventListener("input", fromToml);
  fromToml();
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  const post = async (url, okText) => {
    error.hidden = true;
    status.textContent = "sending…";
    const r = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/toml" },
      body: area.value,
      credentials: "same-origin",
    });
    const j = await r.json().catch(() => ({}));
    if (r.ok) { status.textContent = okText; return j; }
    status.textContent = "";
    error.hidden = false;
    let msg = j.message || r.statusText;
    if (j.key) msg += "\n\nkey: " + j.key + (j.line ? ", line " + j.line : "") + "\nreason: " + j.reason;
    if (r.status === 429) msg += "\n\nRetry after " + r.headers.get("Retry-After") + " s.";
    error.textContent = msg;
    return null;
  };
  document.getElementById("run").addEventListener("click", async () => {
    const d = document.getElementById("draws");
    const n = d ? parseInt(d.value, 10) : 0;
    const j = await post(n > 0 ? "/api/runs?draws=" + n : "/api/runs", "submitted");
    if (j && j.links) window.location.assign(j.links.page);
  });
  document.getElementById("save").addEventListener("click", async () => {
    const j = await post("/api/scenarios", "saved");
    if (j) status.textContent = "saved as " + j.name;
  });
}

function setupProgress() {
  const box = document.getElementById("progress");
  if (!box) return;
  const stage = document.getElementById("stage");
  const es = new EventSource("/api/runs/" + box.dataset.id + "/events");
  es.addEventListener("progress", (e) => {
    const p = JSON.parse(e.data);
    stage.textContent = p.status + ": " + p.stage + (p.elapsed_ms ? " (" + (p.elapsed_ms / 1000).toFixed(1) + " s)" : "");
    if (p.status === "done" || p.status === "failed") {
      es.close();
      window.location.reload();
    }
  });
  es.onerror = () => { es.close(); setTimeout(() => window.location.reload(), 1000); };
}

document.addEventListener("DOMContentLoaded", () => { setupEditor(); setupProgress(); });
