// Baton dashboard: one page, five views (board, graph, workers, events, merges), live from
// /api/stream. The token is in an HttpOnly cookie; changes send the CSRF value of /api/session.
// The view is in the URL's hash, the filters in its query string, so a link reproduces the view.
import { getJson, toast } from "./dom.js";
import * as board from "./board.js";
import * as graph from "./graph.js";
import * as workers from "./workers.js";
import * as events from "./events.js";
import * as merges from "./merges.js";

// Every event id the page received, in arrival order (initial load, then the stream),
// duplicates kept: the browser tests check that none is missing or repeated.
window.batonSeenEventIds = [];

const views = { board, graph, workers, events, merges };
const live = document.getElementById("live");
const params = new URLSearchParams(location.search);

// What each view draws from; a burst of events marks these dirty and one refresh reloads them.
const loaders = {
  tickets: () => getJson("/api/tickets?limit=100000"),
  usage: () => getJson("/api/usage"),
  workers: () => getJson("/api/workers"),
  nodes: () => getJson("/api/nodes"),
  graph: () => getJson("/api/graph" + (param("gfeature") ? "?feature=" + encodeURIComponent(param("gfeature")) : "")),
  merges: async () => {
    const [queue, gates, conflicts] = await Promise.all([getJson("/api/merges"), getJson("/api/gates"), getJson("/api/conflicts")]);
    return { queue, gates, conflicts };
  },
};

const needs = { board: ["tickets", "usage"], graph: ["graph"], workers: ["workers", "usage", "tickets", "nodes"], events: [], merges: ["merges"] };
const data = {};
const dirty = new Set(Object.keys(loaders));
let current = "board";
let timer = null;
let running = false;
const drawn = new Set(); // views drawn since they were last shown (module objects are frozen: kept here)

export function param(name) { return params.get(name) || ""; }

// Keeps a filter in the query string (replaceState: no history entry per keystroke).
export function setParam(name, value) {
  if (value) params.set(name, value); else params.delete(name);
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
}

// Marks data stale; the shown view's stale data is reloaded once, shortly (a burst is one refresh).
export function invalidate(...kinds) {
  for (const k of kinds) dirty.add(k);
  if (!timer) timer = setTimeout(flush, 250);
}

async function flush() {
  timer = null;
  if (running) { timer = setTimeout(flush, 250); return; }
  running = true;
  try {
    const wanted = needs[current].filter(k => dirty.has(k));
    wanted.forEach(k => dirty.delete(k));
    const results = await Promise.allSettled(wanted.map(k => loaders[k]()));
    results.forEach((r, i) => {
      if (r.status === "fulfilled") data[wanted[i]] = r.value;
      else { dirty.add(wanted[i]); toast(r.reason.message, true); }
    });
    if (wanted.length > 0 || !drawn.has(current)) draw();
  } finally {
    running = false;
  }
}

function draw() {
  views[current].render(data);
  drawn.add(current);
}

function show(name) {
  if (!views[name]) name = "board";
  current = name;
  for (const panel of document.querySelectorAll("section[data-view-panel]")) panel.hidden = panel.dataset.viewPanel !== name;
  for (const button of document.querySelectorAll("[data-view]")) button.classList.toggle("active", button.dataset.view === name);
  drawn.delete(name);
  clearTimeout(timer);
  timer = null;
  flush();
}

function kindsOf(e) {
  const kinds = [];
  const t = e.type || "";
  if (e.ticket || t.startsWith("ticket") || t.startsWith("task") || t.startsWith("feature")) kinds.push("tickets", "graph");
  if (e.worker || t.startsWith("worker") || t.startsWith("permission")) kinds.push("workers");
  if (t.startsWith("node") || t.startsWith("lease")) kinds.push("nodes");
  if (t === "worker_usage" || t === "agent_result") kinds.push("usage");
  if (t.startsWith("merge") || t.startsWith("gate") || t.startsWith("conflict") || t === "task_restacked") kinds.push("merges", "graph");
  return kinds;
}

function received(e) {
  window.batonSeenEventIds.push(e.id);
  events.add(e);
  const kinds = kindsOf(e);
  if (kinds.length) invalidate(...kinds);
}

// EventSource resends Last-Event-ID itself when it reconnects: the server sends exactly what was
// missed. If it gives up (closed), a new one starts after the last id received.
function connect(after) {
  const stream = new EventSource("/api/stream?after=" + after);
  let last = after;
  stream.onopen = () => { live.textContent = "live"; live.classList.remove("off"); };
  stream.onerror = () => {
    live.textContent = "reconnecting";
    live.classList.add("off");
    if (stream.readyState === EventSource.CLOSED) setTimeout(() => connect(last), 2000);
  };
  stream.onmessage = message => {
    const e = JSON.parse(message.data);
    last = Math.max(last, e.id);
    received(e);
  };
}

async function start() {
  const context = { param, setParam, invalidate, redraw: draw };
  Object.values(views).forEach(v => v.init(context));
  for (const button of document.querySelectorAll("[data-view]")) {
    button.addEventListener("click", () => { location.hash = button.dataset.view; });
  }
  window.addEventListener("hashchange", () => show(location.hash.slice(1)));
  show(location.hash.slice(1) || "board");

  const recent = await getJson("/api/events?limit=200");
  for (const e of recent) {
    window.batonSeenEventIds.push(e.id);
    events.add(e);
  }
  connect(recent.length ? recent[recent.length - 1].id : 0);
}

start().catch(err => { live.textContent = "error"; live.classList.add("off"); toast(err.message, true); });
