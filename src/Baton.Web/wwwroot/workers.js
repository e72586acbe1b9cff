// Workers: a row per worker (as `baton list --json`), the evidence behind its state, its usage
// (from /api/usage) and the actions nudge, kill, retry (its ticket) and approve, which go through
// the same Core services as `baton nudge|kill|approve` and `baton ticket update --status open`.
import { el, ago, tokens, cost, post, toast } from "./dom.js";
import * as nodes from "./nodes.js";

let ctx;

export function init(context) {
  ctx = context;
  document.getElementById("workers").addEventListener("click", async event => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const row = button.closest("[data-worker]");
    const name = row.dataset.worker;
    const action = button.dataset.action;
    const path = action === "retry"
      ? `/api/tickets/${encodeURIComponent(row.dataset.ticket || "")}/retry`
      : `/api/workers/${encodeURIComponent(name)}/${action}`;
    button.disabled = true;
    try {
      await post(path);
      toast(`${action}: ${action === "retry" ? row.dataset.ticket : name} done`, false);
    } catch (err) {
      toast(err.message, true);
    } finally {
      button.disabled = false;
      ctx.invalidate("workers", "tickets");
    }
  });
}

function link(cls, href, text) {
  const a = el("a", cls, text);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener";
  return a;
}

function button(action, label, disabled) {
  const b = el("button", "", label);
  b.type = "button";
  b.dataset.action = action;
  if (disabled) { b.disabled = true; b.title = "this worker has no ticket"; }
  return b;
}

export function render(data) {
  const workers = data.workers || [];
  // A worker spawned for a ticket names it; one given a ticket by hand (`baton ticket assign`) is its assignee.
  const assigned = new Map();
  for (const t of data.tickets || []) {
    if (t.assignee && !["done", "failed", "cancelled"].includes(t.status)) assigned.set(t.assignee, t.id);
  }
  const usage = new Map(((data.usage && data.usage.workers) || []).map(u => [u.key, u]));
  // Context fill is shown only when Baton knows it for some worker (an agent that reports it).
  const withContext = workers.some(w => w.context_percent !== null && w.context_percent !== undefined);
  const heads = ["Worker", "Agent", "State", "Evidence", "Ticket", "Last output", ...(withContext ? ["Context"] : []), "Usage", "Actions", "View"];
  document.getElementById("workers-head").replaceChildren(...heads.map(h => el("th", "", h)));

  const rows = document.createDocumentFragment();
  for (const w of workers) {
    const row = el("tr", "state-" + w.state);
    row.dataset.worker = w.name;
    const ticket = w.ticket || assigned.get(w.name);
    if (ticket) row.dataset.ticket = ticket;
    const u = usage.get(w.name);
    const cells = [
      el("td", "name", w.name),
      el("td", "", w.agent + (w.role ? " / " + w.role : "") + (w.mode === "headless" ? " (headless)" : "")),
      el("td", "state", w.state),
      el("td", "evidence", w.evidence || ""),
      el("td", "", ticket || "-"),
      el("td", "", w.seconds_since_output === null ? "-" : ago(w.seconds_since_output) + " ago"),
    ];
    if (withContext) cells.push(el("td", "", w.context_percent === null || w.context_percent === undefined ? "-" : Math.round(w.context_percent) + "%"));
    cells.push(el("td", "", u ? `${tokens(u.input_tokens + u.output_tokens)} tok ${cost(u.cost_usd)}` : "-"));
    const actions = el("td", "actions");
    actions.append(button("nudge", "nudge"), button("approve", "approve"), button("retry", "retry", !ticket), button("kill", "kill"));
    const views = el("td", "links");
    views.append(link("terminal-link", "/terminal.html?worker=" + encodeURIComponent(w.name), "terminal"), " ",
      link("pane-link", "/pane.html?worker=" + encodeURIComponent(w.name), "text"));
    cells.push(actions, views);
    row.append(...cells);
    rows.append(row);
  }
  if (workers.length === 0) {
    const row = el("tr");
    const cell = el("td", "empty", "No workers. Start one with `baton spawn` or let `baton up` dispatch tickets.");
    cell.colSpan = heads.length;
    row.append(cell);
    rows.append(row);
  }
  document.getElementById("workers").replaceChildren(rows);
  nodes.render(data.nodes);
}
