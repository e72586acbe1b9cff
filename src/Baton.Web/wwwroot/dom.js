// Small helpers shared by the views. Text from the store is only ever set as textContent: nothing
// it holds is parsed as HTML.

export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

export async function getJson(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  if (!response.ok) throw new Error(await errorText(response, path));
  return response.json();
}

let csrf = null;

// A change: POST with the CSRF value of /api/session; the server's {"error": ...} becomes the exception's message.
// A restarted dashboard has a new CSRF value: a 403 fetches it again and tries once more.
export async function post(path, body) {
  for (let attempt = 0; ; attempt++) {
    if (!csrf) csrf = (await getJson("/api/session")).csrf;
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "X-Baton-CSRF": csrf }, body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 403 && attempt === 0) { csrf = null; continue; }
    if (!response.ok) throw new Error(await errorText(response, path));
    return response.json();
  }
}

async function errorText(response, path) {
  try {
    const body = await response.json();
    if (body && typeof body.error === "string") return body.error;
  } catch { /* not JSON */ }
  return `${path}: HTTP ${response.status}`;
}

let toastTimer = null;

export function toast(text, isError) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.toggle("error", !!isError);
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, isError ? 10000 : 4000);
}

export function ago(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "-";
  if (seconds < 60) return Math.max(0, Math.floor(seconds)) + "s";
  if (seconds < 3600) return Math.floor(seconds / 60) + "m";
  if (seconds < 86400) return Math.floor(seconds / 3600) + "h";
  return Math.floor(seconds / 86400) + "d";
}

export function since(iso) {
  return iso ? ago((Date.now() - Date.parse(iso)) / 1000) : "-";
}

export function tokens(n) {
  if (!n) return "0";
  if (n >= 1e6) return (n / 1e6).toFixed(1) + "M";
  if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
  return String(n);
}

export function cost(usd) {
  return usd === null || usd === undefined ? "" : "$" + Number(usd).toFixed(2);
}

// Fills a <select> with "" (any) and the given values, keeping the current choice even when it is not among them.
export function fillSelect(select, values, anyLabel) {
  const current = select.value;
  const all = [...new Set(values.filter(Boolean))].sort();
  if (current && !all.includes(current)) all.push(current);
  const options = [el("option", "", anyLabel)];
  options[0].value = "";
  for (const v of all) {
    const o = el("option", "", v);
    o.value = v;
    options.push(o);
  }
  select.replaceChildren(...options);
  select.value = current;
}
