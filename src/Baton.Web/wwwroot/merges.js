// Merges: the queue (as `baton merge-queue --json`), the latest gate runs with their pass/fail
// counts and the failure output, and the predicted conflicts between live branches with their files.
import { el, since } from "./dom.js";

export function init() { }

function cells(row, values) {
  row.append(...values.map(v => el("td", "", v === null || v === undefined ? "" : v)));
  return row;
}

function queue(rows) {
  const out = document.createDocumentFragment();
  for (const m of rows) {
    const row = cells(el("tr", "merge-" + m.status), [m.position, m.ticket || "-", m.branch, m.target, m.status, m.detail]);
    row.dataset.branch = m.branch;
    out.append(row);
  }
  if (rows.length === 0) {
    const row = el("tr");
    const cell = el("td", "empty", "The merge queue is empty: tickets join it when their gate passes.");
    cell.colSpan = 6;
    row.append(cell);
    out.append(row);
  }
  document.getElementById("merge-queue").replaceChildren(out);
}

function gates(runs) {
  const out = document.createDocumentFragment();
  for (const g of runs) {
    const li = el("li", "gate gate-" + g.status);
    li.dataset.gate = g.id;
    const counts = [g.passed !== null ? `${g.passed} passed` : null, g.failed !== null ? `${g.failed} failed` : null, g.skipped ? `${g.skipped} skipped` : null].filter(Boolean).join(", ");
    const head = el("div", "head");
    head.append(el("span", "status", g.status), el("span", "", [g.ticket, g.branch].filter(Boolean).join(" ")), el("span", "counts", counts), el("time", "", since(g.started_at) + " ago"));
    li.append(head);
    if (g.output) {
      const details = el("details");
      details.open = g.status === "failed";
      details.append(el("summary", "", g.status === "failed" ? "failure output" : "output"), el("pre", "", g.output));
      li.append(details);
    }
    out.append(li);
  }
  if (runs.length === 0) out.append(el("li", "empty", "No gate runs yet."));
  document.getElementById("gate-runs").replaceChildren(out);
}

function conflicts(rows) {
  const out = document.createDocumentFragment();
  for (const c of rows) {
    const li = el("li", "conflict severity-" + c.severity);
    li.dataset.conflict = `${c.branch_a} ${c.branch_b}`;
    const head = el("div", "head");
    head.append(el("span", "status", c.severity), el("span", "", `${c.ticket_a || c.branch_a} ↔ ${c.ticket_b || c.branch_b}`), el("time", "", "since " + since(c.detected_at)));
    const files = el("ul", "files");
    for (const f of c.files) files.append(el("li", "", f));
    li.append(head, el("div", "branches", `${c.branch_a} and ${c.branch_b}`), files);
    out.append(li);
  }
  if (rows.length === 0) out.append(el("li", "empty", "No conflicts predicted between live branches."));
  document.getElementById("conflicts").replaceChildren(out);
}

export function render(data) {
  const m = data.merges;
  if (!m) return;
  queue(m.queue);
  gates(m.gates);
  conflicts(m.conflicts);
}
