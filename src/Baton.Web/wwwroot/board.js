// Board: one column per status, a card per ticket. Built in one pass per refresh into fragments;
// a column renders at most CAP cards and says how many more there are, so 10,000 tickets stay
// a few hundred elements. Usage and cost come from the one /api/usage answer, not per card.
import { el, fillSelect, since, tokens, cost } from "./dom.js";

export const STATUSES = ["open", "queued", "in-progress", "testing", "review", "blocked", "failed", "done", "cancelled"];
const CAP = 100;
const filters = { feature: "filter-feature", label: "filter-label", status: "filter-status", worker: "filter-worker" };
let ctx;

export function init(context) {
  ctx = context;
  fillSelect(document.getElementById("filter-status"), STATUSES, "any");
  for (const [name, id] of Object.entries(filters)) {
    const select = document.getElementById(id);
    const wanted = ctx.param(name);
    if (wanted) {
      fillSelect(select, [wanted], "any");
      select.value = wanted;
    }
    select.addEventListener("change", () => { ctx.setParam(name, select.value); ctx.redraw(); });
  }
}

function matches(t, f) {
  return (!f.feature || t.feature === f.feature)
    && (!f.label || (t.labels || []).includes(f.label))
    && (!f.status || t.status === f.status)
    && (!f.worker || t.assignee === f.worker);
}

function card(t, usage) {
  const node = el("article", "card priority-" + t.priority);
  node.dataset.ticket = t.id;
  const head = el("div", "head");
  head.append(el("span", "id", t.id), el("span", "priority", t.priority));
  node.append(head, el("div", "title", t.title));
  if (t.labels && t.labels.length) {
    const labels = el("div", "labels");
    for (const l of t.labels) labels.append(el("span", "label", l));
    node.append(labels);
  }
  const meta = [];
  if (t.assignee) meta.push(t.assignee);
  if (t.branch) meta.push(t.branch);
  if (t.attempts) meta.push("attempt " + t.attempts);
  meta.push("age " + since(t.created_at));
  const u = usage.get(t.id);
  if (u) meta.push(tokens(u.input_tokens + u.output_tokens) + " tok" + (u.cost_usd !== null ? " " + cost(u.cost_usd) : ""));
  node.append(el("div", "meta", meta.join(" · ")));
  return node;
}

export function render(data) {
  const tickets = data.tickets || [];
  const usage = new Map(((data.usage && data.usage.tickets) || []).map(u => [u.ticket || u.key, u]));
  fillSelect(document.getElementById("filter-feature"), tickets.map(t => t.feature), "any");
  fillSelect(document.getElementById("filter-label"), tickets.flatMap(t => t.labels || []), "any");
  fillSelect(document.getElementById("filter-worker"), tickets.map(t => t.assignee), "any");
  const f = Object.fromEntries(Object.entries(filters).map(([name, id]) => [name, document.getElementById(id).value]));

  const columns = new Map(STATUSES.map(s => [s, []]));
  let shown = 0;
  for (const t of tickets) {
    if (!matches(t, f)) continue;
    if (!columns.has(t.status)) columns.set(t.status, []);
    columns.get(t.status).push(t);
    shown++;
  }

  const out = document.createDocumentFragment();
  for (const [status, items] of columns) {
    const column = el("div", "column");
    column.dataset.column = status;
    const title = el("h2");
    title.append(el("span", "", status), el("span", "n", String(items.length)));
    column.append(title);
    // Newest activity first in the columns people watch; done and cancelled are history.
    items.sort((a, b) => (b.updated_at || "").localeCompare(a.updated_at || ""));
    for (const t of items.slice(0, CAP)) column.append(card(t, usage));
    if (items.length > CAP) column.append(el("div", "more", `${items.length - CAP} more`));
    out.append(column);
  }
  document.getElementById("board").replaceChildren(out);
  document.getElementById("board-count").textContent = `${shown} of ${tickets.length} tickets`;
}
