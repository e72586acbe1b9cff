// Events: the live log, newest first, filtered on the page by ticket, worker and type (the stream
// itself is complete). Changing a filter also asks /api/events for older matches, so a filter
// shows more than what arrived since the page opened.
import { el, getJson, toast } from "./dom.js";

const KEEP = 3000;
const SHOW = 300;
const inputs = { eticket: "events-ticket", eworker: "events-worker", etype: "events-type" };
const byId = new Map();
const types = new Set();
let list;
let ctx;
let pending = null;

export function init(context) {
  ctx = context;
  list = document.getElementById("events");
  for (const [name, id] of Object.entries(inputs)) {
    const input = document.getElementById(id);
    input.value = ctx.param(name);
    input.addEventListener("input", () => {
      ctx.setParam(name, input.value.trim());
      clearTimeout(pending);
      pending = setTimeout(() => { backfill(); render(); }, 300);
    });
  }
  if (Object.keys(inputs).some(n => ctx.param(n))) backfill();
}

function filter() {
  const ticket = ctx.param("eticket").toUpperCase();
  return {
    ticket: ticket && /^\d+$/.test(ticket) ? "T-" + ticket : ticket,
    worker: ctx.param("eworker"),
    type: ctx.param("etype"),
  };
}

function matches(e, f) {
  return (!f.ticket || e.ticket === f.ticket) && (!f.worker || e.worker === f.worker) && (!f.type || e.type === f.type);
}

function item(e) {
  const li = el("li");
  li.dataset.eventId = e.id;
  li.append(el("time", "", new Date(e.time).toLocaleTimeString()), el("span", "type", e.type));
  const who = [e.ticket, e.worker].filter(Boolean).join(" ");
  if (who) li.append(el("span", "who", who));
  li.append(el("span", "message", e.message || ""));
  return li;
}

function remember(e) {
  byId.set(e.id, e);
  if (byId.size > KEEP) byId.delete(byId.keys().next().value);
  if (!types.has(e.type)) {
    types.add(e.type);
    const option = el("option");
    option.value = e.type;
    document.getElementById("event-types").append(option);
  }
}

// One event from the initial load or the stream.
export function add(e) {
  const known = byId.has(e.id);
  remember(e);
  if (known || !matches(e, filter())) return;
  // Newest first: an event older than the top one (a backfill raced it) waits for the next render.
  const top = list.firstElementChild;
  if (top && Number(top.dataset.eventId) > e.id) return;
  list.prepend(item(e));
  while (list.children.length > SHOW) list.lastChild.remove();
}

async function backfill() {
  const f = filter();
  if (!f.ticket && !f.worker && !f.type) return;
  const query = new URLSearchParams({ limit: "200" });
  if (f.ticket) query.set("ticket", f.ticket);
  if (f.worker) query.set("worker", f.worker);
  if (f.type) query.set("type", f.type);
  try {
    for (const e of await getJson("/api/events?" + query)) remember(e);
    render();
  } catch (err) {
    toast(err.message, true);
  }
}

export function render() {
  const f = filter();
  const shown = [...byId.values()].filter(e => matches(e, f)).sort((a, b) => b.id - a.id).slice(0, SHOW);
  const out = document.createDocumentFragment();
  for (const e of shown) out.append(item(e));
  list.replaceChildren(out);
}
