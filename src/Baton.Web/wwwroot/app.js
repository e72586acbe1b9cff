// Baton dashboard: a board of tickets by status and the event log, live from /api/stream.
// The token is in an HttpOnly cookie; changes would send the CSRF value from /api/session.
"use strict";

const STATUSES = ["open", "queued", "in-progress", "testing", "review", "blocked", "failed", "done", "cancelled"];
const MAX_EVENTS = 300;
const board = document.getElementById("board");
const eventList = document.getElementById("events");
const live = document.getElementById("live");
let refreshTimer = null;

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text; // textContent only: nothing from the store is parsed as HTML
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

function renderBoard(tickets) {
  const columns = new Map(STATUSES.map(s => [s, []]));
  for (const t of tickets) {
    if (!columns.has(t.status)) columns.set(t.status, []);
    columns.get(t.status).push(t);
  }
  board.replaceChildren();
  for (const [status, items] of columns) {
    if (items.length === 0 && (status === "cancelled" || status === "blocked")) continue;
    const column = el("div", "column");
    column.dataset.status = status;
    const title = el("h2");
    title.append(el("span", "", status), el("span", "", String(items.length)));
    column.append(title);
    for (const t of items) {
      const card = el("div", "card");
      card.dataset.id = t.id;
      card.append(el("span", "id", t.id), el("span", "title", t.title));
      const meta = [t.priority, t.assignee, ...(t.labels || [])].filter(Boolean).join(" · ");
      if (meta) card.append(el("div", "meta", meta));
      column.append(card);
    }
    board.append(column);
  }
}

function addEvent(e) {
  const item = el("li");
  item.dataset.id = e.id;
  item.append(el("time", "", new Date(e.time).toLocaleTimeString()), el("span", "type", e.type));
  const who = [e.ticket, e.worker].filter(Boolean).join(" ");
  if (who) item.append(el("span", "meta", who + " "));
  item.append(el("span", "", e.message || ""));
  eventList.prepend(item);
  while (eventList.children.length > MAX_EVENTS) eventList.lastChild.remove();
}

// Many events in a burst: one board refresh.
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    try { renderBoard(await getJson("/api/tickets")); } catch (err) { console.error(err); }
  }, 250);
}

async function start() {
  renderBoard(await getJson("/api/tickets"));
  const recent = await getJson("/api/events?limit=100");
  recent.forEach(addEvent);
  const after = recent.length ? recent[recent.length - 1].id : 0;
  // EventSource resends Last-Event-ID itself on reconnect: the server sends exactly what was missed.
  const stream = new EventSource("/api/stream?after=" + after);
  stream.onopen = () => { live.textContent = "live"; live.classList.remove("off"); };
  stream.onerror = () => { live.textContent = "reconnecting"; live.classList.add("off"); };
  stream.onmessage = message => {
    const e = JSON.parse(message.data);
    addEvent(e);
    if (e.ticket) refreshSoon();
  };
}

start().catch(err => { live.textContent = "error"; console.error(err); });
